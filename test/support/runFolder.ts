/**
 * The test run's shared folder, made by jest's globalSetup and removed by its teardown: what
 * one test file computes there once (the offline previews, the Talos test PKI) every other
 * file of the run reads. Its own module, so that naming it loads nothing else.
 */
export const RUN_FOLDER_VARIABLE = "HOMEOPS_TEST_RUN_FOLDER";
