import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ConfigError } from "../../config/errors";
import { CONFIG_NAMESPACE, isStoredAsSecret } from "../../config/load";
import { isSecretRef, type GeneratedSecretSpec, type Value } from "../../config/values";

export interface StackSecretsArgs {
  /** Secrets the program generates; they live only in the encrypted Pulumi state. */
  generated: Record<string, GeneratedSecretSpec>;
  /** Config keys (in the `homeops:` namespace) the stack reads as secrets. */
  configSecretKeys: string[];
}

/**
 * Every secret a stack uses, generated or from config, as secret Outputs. A config key
 * that is stored in plaintext is refused, so a credential never sits unencrypted in
 * `Pulumi.<stack>.yaml`.
 */
export class StackSecrets extends pulumi.ComponentResource {
  private readonly values = new Map<string, pulumi.Output<string>>();

  constructor(name: string, args: StackSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homeops:secrets:StackSecrets", name, {}, opts);
    const plaintext = args.configSecretKeys.filter((key) => !isStoredAsSecret(key));
    if (plaintext.length > 0) {
      throw new ConfigError(
        plaintext.map((key) => ({
          key: `${CONFIG_NAMESPACE}:${key}`,
          message: `is stored in plaintext; set it with \`pulumi config set --secret ${key} <value>\``,
        })),
      );
    }
    for (const [secretName, spec] of Object.entries(args.generated)) {
      const password = new random.RandomPassword(
        `${name}/${secretName}`,
        { length: spec.length, special: spec.special },
        // Regenerating a secret would lock users out of the data it protects.
        { parent: this, protect: true },
      );
      this.values.set(`generated:${secretName}`, password.result);
    }
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    for (const key of args.configSecretKeys) this.values.set(`config:${key}`, config.requireSecret(key));
    this.registerOutputs({});
  }

  /**
   * A secret the program makes from its resources (a tunnel's token), resolved from then on
   * as `{generated: <name>}` like the generated passwords; a name already taken is refused.
   */
  addGenerated(name: string, value: pulumi.Output<string>): void {
    const id = `generated:${name}`;
    if (this.values.has(id)) throw new Error(`secret ${id} is declared twice`);
    this.values.set(id, pulumi.secret(value));
  }

  /** A plain value as it is; a secret reference as its secret Output. */
  resolve(value: Value): pulumi.Input<string> {
    if (!isSecretRef(value)) return value;
    const id = "generated" in value ? `generated:${value.generated}` : `config:${value.configSecret}`;
    const secret = this.values.get(id);
    if (!secret) throw new Error(`secret ${id} was not declared to StackSecrets`);
    return secret;
  }
}

/** The config secret keys an inventory's values refer to. */
export function configSecretKeysIn(values: Iterable<Value>): string[] {
  const keys = new Set<string>();
  for (const value of values) if (isSecretRef(value) && "configSecret" in value) keys.add(value.configSecret);
  return [...keys].sort();
}
