/**
 * Every policy of the pack. Tests and tools import this module; only index.ts constructs the
 * PolicyPack, because constructing one starts the pack's gRPC server.
 */
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { dockerPolicies } from "./docker-policies";
import { hostAccessPolicies } from "./host-access-policies";
import { kubernetesPolicies } from "./kubernetes-policies";
import { proxmoxPolicies } from "./proxmox-policies";

export const PACK_NAME = "homeops";
export const PACK_DESCRIPTION = "homeops: network isolation and memory limits for the homelab and the VPS.";
/** Every policy sets its own level; this only covers a policy that would forget. */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

export const policies: Policies = [...dockerPolicies, ...hostAccessPolicies, ...proxmoxPolicies, ...kubernetesPolicies];
