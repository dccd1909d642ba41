import { rookCephClusterValues } from "../../components/kubernetes-platform/charts/rookCeph";
import {
  clusterIssuer,
  htpasswdLine,
  ipAddressPool,
  l2Advertisement,
  pushEndpointIngresses,
  wildcardCertificate,
} from "../../components/kubernetes-platform/manifests";
import { crdValidator, kubernetesValidator } from "./conformance";
import { presetSettings } from "./settings";

const settings = presetSettings();

describe("custom resources the program writes validate against their CRDs (test/references/kubernetes/crds)", () => {
  const issuerSchema = crdValidator("cert-manager.io", "clusterissuer_v1");

  test("the ClusterIssuer, solving DNS-01 in Route53 with keys from a Secret", () => {
    const issuer = clusterIssuer(settings, { route53: { region: "us-east-1", hostedZoneId: "Z0123456789" } });
    expect(issuerSchema(issuer)).toEqual([]);
    expect(issuer).toMatchObject({
      metadata: { name: "letsencrypt-prod" },
      spec: {
        acme: {
          server: "https://acme-v02.api.letsencrypt.org/directory",
          solvers: [
            {
              selector: { dnsZones: ["sharmamohit.com"] },
              dns01: {
                route53: {
                  hostedZoneID: "Z0123456789",
                  accessKeyIDSecretRef: { name: "acme-dns01-credentials", key: "access-key-id" },
                  secretAccessKeySecretRef: { name: "acme-dns01-credentials", key: "secret-access-key" },
                },
              },
            },
          ],
        },
      },
    });
  });

  test("the ClusterIssuer with Cloudflare instead", () => {
    const issuer = clusterIssuer(settings, { cloudflare: {} });
    expect(issuerSchema(issuer)).toEqual([]);
    expect(issuer.spec).toMatchObject({ acme: { solvers: [{ dns01: { cloudflare: { apiTokenSecretRef: { name: "acme-dns01-credentials", key: "api-token" } } } }] } });
  });

  test("a solver field the CRD does not know is refused (the check can fail)", () => {
    const issuer = clusterIssuer(settings, { route53: { region: "us-east-1", hostedZoneId: "Z1" } }) as any;
    issuer.spec.acme.solvers[0].dns01.route53.hostedZoneId = "Z1";
    expect(issuerSchema(issuer)).toContainEqual(expect.stringContaining("(hostedZoneId)"));
  });

  test("the wildcard certificate *.sharmamohit.com in the ingress controller's namespace, as default-tls-cert", () => {
    const certificate = wildcardCertificate(settings);
    expect(crdValidator("cert-manager.io", "certificate_v1")(certificate)).toEqual([]);
    expect(certificate).toMatchObject({ metadata: { namespace: "ingress-nginx", name: "default-tls-cert" }, spec: { secretName: "default-tls-cert", dnsNames: ["*.sharmamohit.com"] } });
    expect(wildcardCertificate(presetSettings("traefik")).metadata.namespace).toBe("traefik");
  });

  test("MetalLB's first-pool and its L2 advertisement", () => {
    const pool = ipAddressPool(settings);
    const advertisement = l2Advertisement(settings);
    expect(crdValidator("metallb.io", "ipaddresspool_v1beta1")(pool)).toEqual([]);
    expect(crdValidator("metallb.io", "l2advertisement_v1beta1")(advertisement)).toEqual([]);
    expect(pool).toMatchObject({ metadata: { name: "first-pool", namespace: "metallb-system" }, spec: { addresses: ["192.168.11.88/32", "192.168.11.90-192.168.11.98"] } });
    expect(advertisement.spec).toEqual({ ipAddressPools: ["first-pool"] });
  });

  describe("the Ceph objects the rook-ceph-cluster chart makes from the values", () => {
    const values = rookCephClusterValues();
    const object = (kind: string, name: string, spec: unknown) => ({ apiVersion: "ceph.rook.io/v1", kind, metadata: { name, namespace: "rook-ceph" }, spec });

    test("CephCluster", () => {
      expect(crdValidator("ceph.rook.io", "cephcluster_v1")(object("CephCluster", "rook-ceph", values.cephClusterSpec))).toEqual([]);
    });
    test("CephBlockPool", () => {
      const validate = crdValidator("ceph.rook.io", "cephblockpool_v1");
      for (const pool of values.cephBlockPools) expect(validate(object("CephBlockPool", pool.name, pool.spec))).toEqual([]);
    });
    test("CephFilesystem", () => {
      const validate = crdValidator("ceph.rook.io", "cephfilesystem_v1");
      for (const filesystem of values.cephFileSystems) expect(validate(object("CephFilesystem", filesystem.name, filesystem.spec))).toEqual([]);
    });
    test("CephObjectStore", () => {
      const validate = crdValidator("ceph.rook.io", "cephobjectstore_v1");
      for (const store of values.cephObjectStores) expect(validate(object("CephObjectStore", store.name, store.spec))).toEqual([]);
    });
  });
});

describe("the push endpoints of the Docker hosts' Alloy", () => {
  test("two exact-path ingresses, valid Kubernetes objects, behind basic auth with either controller", () => {
    const validate = kubernetesValidator("io.k8s.api.networking.v1.Ingress");
    const nginx = pushEndpointIngresses(settings);
    const traefik = pushEndpointIngresses(presetSettings("traefik"));
    for (const ingress of [...nginx, ...traefik]) expect(validate(ingress)).toEqual([]);
    expect(nginx.map((ingress) => [ingress.spec.rules[0].host, ingress.spec.rules[0].http.paths[0].path])).toEqual([
      ["prometheus.sharmamohit.com", "/api/v1/write"],
      ["loki.sharmamohit.com", "/loki/api/v1/push"],
    ]);
    expect(nginx[0].metadata.annotations).toMatchObject({ "nginx.ingress.kubernetes.io/auth-type": "basic", "nginx.ingress.kubernetes.io/auth-secret": "monitoring-push-auth" });
    expect(traefik[0].metadata.annotations).toEqual({ "traefik.ingress.kubernetes.io/router.middlewares": "monitoring-push-basic-auth@kubernetescrd" });
  });

  test("the htpasswd line uses the {SHA} scheme both controllers read", () => {
    // printf password | openssl sha1 -binary | base64
    expect(htpasswdLine("alloy", "password")).toBe("alloy:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=");
  });
});
