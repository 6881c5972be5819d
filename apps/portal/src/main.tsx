import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConsumerApp } from './consumer/ConsumerApp';
import { DashboardApp } from './dashboard/DashboardApp';
import { Router, useLocation } from './lib/router';
import './styles.css';

function App() {
  const { pathname } = useLocation();
  // The consumer portal (/portal) is a separate app with its own session; it shares components.
  return pathname === '/portal' || pathname.startsWith('/portal/') ? (
    <ConsumerApp />
  ) : (
    <DashboardApp />
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Router>
      <App />
    </Router>
  </StrictMode>,
);
