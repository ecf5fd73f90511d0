import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'urql';
import { App } from './App';
import { browserTokenStorage, TokenStore } from './api/auth-token';
import { createDashboardClient } from './api/client';
import { StreamClientContext } from './api/StreamClientContext';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';

const tokens = new TokenStore(browserTokenStorage());
const { client, streamClient, connection, auth } = createDashboardClient(tokens);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Provider value={client}>
      <StreamClientContext.Provider value={streamClient}>
        <App connection={connection} auth={auth} tokens={tokens} />
      </StreamClientContext.Provider>
    </Provider>
  </StrictMode>,
);
