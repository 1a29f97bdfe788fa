export type { ConformanceFailure, ConformanceReport } from './report';
