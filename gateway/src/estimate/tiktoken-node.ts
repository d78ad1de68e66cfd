// The Node estimator: tiktoken's WASM build with o200k_base, created once per process on first use
// (~300 ms), never per request.
import { get_encoding, type Tiktoken } from 'tiktoken';
import { createBoundedEstimator, type TokenEstimator } from './token-estimator';

let encoder: Tiktoken | undefined;

export function nodeTokenEstimator(): TokenEstimator {
  encoder ??= get_encoding('o200k_base');
  const tiktoken = encoder;
  return createBoundedEstimator((text) => tiktoken.encode_ordinary(text).length);
}
