import { lazyModule } from "../lazyModule";

export = lazyModule("typescript");
