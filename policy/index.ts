// The pack's entry point for `pulumi preview --policy-pack policy`. Constructing the PolicyPack
// starts its gRPC server, so nothing else may import this file.
import { PolicyPack } from "@pulumi/policy";
import { PACK_DESCRIPTION, PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, { policies, enforcementLevel: PACK_ENFORCEMENT_LEVEL, description: PACK_DESCRIPTION });
