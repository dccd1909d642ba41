import * as pulumi from "@pulumi/pulumi";
import { compositionFor } from "./stacks";

export = compositionFor(pulumi.getStack())();
