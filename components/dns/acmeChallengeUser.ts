import * as iam from "@pulumi/aws/iam";
import type { Provider as AwsProvider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";

/**
 * What an ACME DNS-01 client needs in Route53, and nothing more: create and delete the
 * `_acme-challenge` TXT records of one hosted zone, list that zone's records (both lego
 * and cert-manager read before they write), and poll the change it submitted. No other
 * zone, record type or name, and no zone lookup (the consumers are given the zone id).
 */
export function acmeChallengePolicy(hostedZoneId: string, zone: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ChangeAcmeChallengeRecordsOnly",
        Effect: "Allow",
        Action: "route53:ChangeResourceRecordSets",
        Resource: `arn:aws:route53:::hostedzone/${hostedZoneId}`,
        Condition: {
          "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"] },
          "ForAllValues:StringLike": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": [`_acme-challenge.${zone}`, `_acme-challenge.*.${zone}`] },
        },
      },
      { Sid: "ReadZoneRecords", Effect: "Allow", Action: "route53:ListResourceRecordSets", Resource: `arn:aws:route53:::hostedzone/${hostedZoneId}` },
      { Sid: "PollChangeStatus", Effect: "Allow", Action: "route53:GetChange", Resource: "arn:aws:route53:::change/*" },
    ],
  };
}

export interface AcmeChallengeUserArgs {
  hostedZoneId: pulumi.Input<string>;
  zone: string;
  /** Who uses the key, for the IAM user's tags. */
  consumer: string;
}

/**
 * An IAM user for one ACME DNS-01 client, its policy and its access key (the secret half
 * stays secret), created through the AWS provider of its options.
 */
export class AcmeChallengeUser extends pulumi.ComponentResource {
  readonly accessKeyId: pulumi.Output<string>;
  readonly secretAccessKey: pulumi.Output<string>;

  constructor(name: string, args: AcmeChallengeUserArgs, opts: pulumi.ComponentResourceOptions & { provider: AwsProvider }) {
    super("homeops:dns:AcmeChallengeUser", name, {}, opts);
    const onAws = { parent: this, provider: opts.provider };
    const user = new iam.User(name, { name: `acme-dns01-${name}`, path: "/homeops/", tags: { consumer: args.consumer, zone: args.zone } }, onAws);
    new iam.UserPolicy(
      name,
      { user: user.name, policy: pulumi.output(args.hostedZoneId).apply((id) => JSON.stringify(acmeChallengePolicy(id, args.zone))) },
      onAws,
    );
    const key = new iam.AccessKey(name, { user: user.name }, onAws);
    this.accessKeyId = key.id;
    this.secretAccessKey = pulumi.secret(key.secret);
    this.registerOutputs({ accessKeyId: this.accessKeyId });
  }
}
