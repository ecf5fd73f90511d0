import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'urql';
import { App } from './App';
import { createDashboardClient } from './api/client';
import { StreamClientContext } from './api/StreamClientContext';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';

const { client, streamClient, connection } = createDashboardClient();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Provider value={client}>
      <StreamClientContext.Provider value={streamClient}>
        <App connection={connection} />
      </StreamClientContext.Provider>
    </Provider>
  </StrictMode>,
);
