/** Runs in every test file after jest's globals are set up (jest.config.js `setupFilesAfterEnv`). */
import { removeTempDirs } from "./tempDirs";

afterAll(removeTempDirs);
