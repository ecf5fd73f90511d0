import { createContext } from 'react';

/** How a canvas node asks for its detail panel; nodes are rendered by React Flow, not by us. */
export const OpenNodeContext = createContext<(nodeId: string) => void>(() => {});
