import React from 'react';
import { createRoot } from 'react-dom/client';
import '@chatui/core/dist/index.css';
import './styles.css';
import App from './App';

createRoot(document.getElementById('root')).render(<App />);
