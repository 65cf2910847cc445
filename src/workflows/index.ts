// Workflow entry point: every workflow type the worker registers is exported here.
export {};
