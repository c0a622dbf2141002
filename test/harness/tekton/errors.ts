/** Codes of the Tekton run simulator's ProvenanceErrors. */
export type TektonSimErrorCode =
  | 'PIPELINE_INVALID' // unknown runAfter, a cycle, duplicate task names, no task spec
  | 'PARAM_MISSING' // a pipeline param without value and without default
  | 'RESULT_MISSING' // a $(tasks.x.results.y) that no task produced (the task is skipped)
  | 'RUN_WRITE_FAILED'; // the API server refused a write
