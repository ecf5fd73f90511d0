import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'urql';
import { App } from './App';
import { createDashboardClient } from './api/client';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';

const { client, connection } = createDashboardClient();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Provider value={client}>
      <App connection={connection} />
    </Provider>
  </StrictMode>,
);
