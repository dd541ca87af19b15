package main

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// cert is one certificate signed by the lab CA with the openssl CLI.
type cert struct {
	name   string   // files <pki>/<name>.crt and .key
	cn     string   // subject CN
	orgs   []string // subject O (groups)
	sans   []string // "IP:127.0.0.1", "DNS:localhost"
	server bool     // serverAuth (else clientAuth)
	client bool
}

// labCerts lists every certificate of the lab.
func labCerts(c *Config) []cert {
	certs := []cert{
		{name: "apiserver", cn: "kube-apiserver", server: true, sans: []string{
			"IP:127.0.0.1", "IP:10.96.0.1", "DNS:localhost", "DNS:kubernetes", "DNS:kubernetes.default",
			"DNS:kubernetes.default.svc", "DNS:kubernetes.default.svc." + c.ClusterDomain}},
		{name: "admin", cn: "kdrill-admin", orgs: []string{"system:masters"}, client: true},
		{name: "apiserver-kubelet-client", cn: "kube-apiserver-kubelet-client", orgs: []string{"system:masters"}, client: true},
		{name: "controller-manager", cn: "system:kube-controller-manager", client: true},
		{name: "scheduler", cn: "system:kube-scheduler", client: true},
	}
	for _, n := range c.Nodes {
		certs = append(certs,
			cert{name: "kubelet-" + n.Letter, cn: "system:node:" + n.Name, orgs: []string{"system:nodes"}, client: true},
			cert{name: "kubelet-" + n.Letter + "-serving", cn: n.Name, server: true, sans: []string{"IP:" + n.IP}})
	}
	return certs
}

func openssl(args ...string) error {
	_, err := run(60*time.Second, "openssl", args...)
	return err
}

// ensurePKI creates the CA, the service-account key pair and every
// certificate that does not exist yet.
func ensurePKI(c *Config) error {
	if err := os.MkdirAll(c.PKIDir, 0o700); err != nil {
		return err
	}
	ca, caKey := c.pki("ca.crt"), c.pki("ca.key")
	if !fileExists(ca) || !fileExists(caKey) {
		logf("creating the lab CA in %s", c.PKIDir)
		if err := openssl("req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
			"-nodes", "-keyout", caKey, "-out", ca, "-days", "3650", "-subj", "/CN=kdrill-lab-ca",
			"-addext", "basicConstraints=critical,CA:TRUE",
			"-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"); err != nil {
			return err
		}
	}
	if !fileExists(c.pki("sa.key")) || !fileExists(c.pki("sa.pub")) {
		if err := openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", c.pki("sa.key")); err != nil {
			return err
		}
		if err := openssl("pkey", "-in", c.pki("sa.key"), "-pubout", "-out", c.pki("sa.pub")); err != nil {
			return err
		}
	}
	for _, ct := range labCerts(c) {
		if err := ensureCert(c, ct); err != nil {
			return fmt.Errorf("certificate %s: %w", ct.name, err)
		}
	}
	return nil
}

func ensureCert(c *Config, ct cert) error {
	crt, key := c.pki(ct.name+".crt"), c.pki(ct.name+".key")
	if fileExists(crt) && fileExists(key) {
		return nil
	}
	subj := "/CN=" + ct.cn
	for _, o := range ct.orgs {
		subj = "/O=" + o + subj
	}
	csr := c.pki(ct.name + ".csr")
	if err := openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
		"-keyout", key, "-out", csr, "-subj", subj); err != nil {
		return err
	}
	var eku []string
	if ct.server {
		eku = append(eku, "serverAuth")
	}
	if ct.client {
		eku = append(eku, "clientAuth")
	}
	ext := "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=" + strings.Join(eku, ",") + "\n"
	if len(ct.sans) > 0 {
		ext += "subjectAltName=" + strings.Join(ct.sans, ",") + "\n"
	}
	extFile := c.pki(ct.name + ".ext")
	if err := os.WriteFile(extFile, []byte(ext), 0o600); err != nil {
		return err
	}
	if err := openssl("x509", "-req", "-in", csr, "-CA", c.pki("ca.crt"), "-CAkey", c.pki("ca.key"),
		"-CAcreateserial", "-days", "3650", "-extfile", extFile, "-out", crt); err != nil {
		return err
	}
	os.Remove(csr)
	os.Remove(extFile)
	return nil
}

// writeKubeconfig writes a kubeconfig with the CA and client cert embedded.
func writeKubeconfig(c *Config, path, user, certName string) error {
	b64 := func(p string) (string, error) {
		data, err := os.ReadFile(p)
		return base64.StdEncoding.EncodeToString(data), err
	}
	ca, err := b64(c.pki("ca.crt"))
	if err != nil {
		return err
	}
	crt, err := b64(c.pki(certName + ".crt"))
	if err != nil {
		return err
	}
	key, err := b64(c.pki(certName + ".key"))
	if err != nil {
		return err
	}
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: kdrill-lab
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: %s
  user:
    client-certificate-data: %s
    client-key-data: %s
contexts:
- name: kdrill-lab
  context:
    cluster: kdrill-lab
    user: %s
current-context: kdrill-lab
`, c.APIServer, ca, user, crt, key, user)
	return writeFileAtomic(path, []byte(kc), 0o600)
}

func kubeconfigPath(c *Config, name string) string {
	return filepath.Join(c.PKIDir, name+".kubeconfig")
}

// ensureKubeconfigs writes the admin kubeconfig and one per component identity.
func ensureKubeconfigs(c *Config) error {
	if err := writeKubeconfig(c, c.Kubeconfig, "kdrill-admin", "admin"); err != nil {
		return err
	}
	for _, id := range []string{"controller-manager", "scheduler"} {
		if err := writeKubeconfig(c, kubeconfigPath(c, id), "system:kube-"+id, id); err != nil {
			return err
		}
	}
	for _, n := range c.Nodes {
		if err := writeKubeconfig(c, kubeconfigPath(c, "kubelet-"+n.Letter), "system:node:"+n.Name, "kubelet-"+n.Letter); err != nil {
			return err
		}
	}
	return nil
}
