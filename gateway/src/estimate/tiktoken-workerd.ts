// The workerd estimator: tiktoken's lite build, given the WASM module the runtime compiled at deploy
// time (bundlers keep `*.wasm` external) and the o200k_base ranks. Initialised once per isolate.
import o200k from 'tiktoken/encoders/o200k_base';
import { init, Tiktoken } from 'tiktoken/lite/init';
// workerd hands a `*.wasm` import over as a compiled WebAssembly.Module (its default export); the
// package's own typings describe the instance exports instead, hence the cast below.
import * as wasmImport from 'tiktoken/lite/tiktoken_bg.wasm';
import { createBoundedEstimator, type TokenEstimator } from './token-estimator';

let estimator: Promise<TokenEstimator> | undefined;

export function workerdTokenEstimator(): Promise<TokenEstimator> {
  estimator ??= (async () => {
    await init((imports) => WebAssembly.instantiate((wasmImport as unknown as { default: WebAssembly.Module }).default, imports));
    const encoder = new Tiktoken(o200k.bpe_ranks, o200k.special_tokens, o200k.pat_str);
    return createBoundedEstimator((text) => encoder.encode_ordinary(text).length);
  })();
  return estimator;
}
