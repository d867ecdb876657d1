import { describe, expect, it } from 'vitest';
import { cpuListLength, intraOpThreads, sessionOptions } from '../../src/embedding/model.js';

// The thread sizing the benchmarks justify (BENCHMARKS.md, "Embedding throughput").
describe('onnxruntime session sizing', () => {
  it('reads Linux CPU lists', () => {
    expect(cpuListLength('0')).toBe(1);
    expect(cpuListLength('0-1')).toBe(2);
    expect(cpuListLength('0,4')).toBe(2);
    expect(cpuListLength('0-1,8-9')).toBe(4);
    expect(cpuListLength('')).toBe(0);
  });

  it('uses one thread per core the process may use', () => {
    expect(intraOpThreads(2, 1)).toBe(2);
    expect(intraOpThreads(1, 1)).toBe(1);
    expect(intraOpThreads(8, 2)).toBe(4);
    expect(intraOpThreads(1, 2)).toBe(1);
  });

  it('asks for the CPU provider, all graph optimisations and sequential execution', () => {
    expect(sessionOptions(3)).toEqual({
      executionProviders: ['cpu'],
      intraOpNumThreads: 3,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    });
  });
});
