import { lazyModule } from "../lazyModule";

export = lazyModule("@npmcli/arborist");
