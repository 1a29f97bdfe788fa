import { closeSharedBackend } from './store-backend';

// After each test file of the endpoint projects: drops the tables its apps shared (MariaDB).
afterAll(() => closeSharedBackend());
