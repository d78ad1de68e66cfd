// What docker/bundle.ts bundles: the two services (run in the images) and the job functions (zipped by
// terraform/modules/jobs, which names the same entries: test/terraform checks they agree).

export const SERVICE_ENTRIES = {
  gateway: 'gateway/src/node.ts',
  ledger: 'ledger/src/main.ts',
} as const;

export const LAMBDA_ENTRIES = {
  rollups: 'ledger/src/jobs/lambda-rollups.ts',
  jobs: 'ledger/src/jobs/lambda-jobs.ts',
} as const;

export type ServiceName = keyof typeof SERVICE_ENTRIES;

