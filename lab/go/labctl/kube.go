package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// apiClient talks to the lab API server as the admin (system:masters).
func apiClient(c *Config) (*http.Client, error) {
	caPEM, err := os.ReadFile(c.pki("ca.crt"))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	kp, err := tls.LoadX509KeyPair(c.pki("admin.crt"), c.pki("admin.key"))
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{kp}}, DisableKeepAlives: true}
	return &http.Client{Transport: tr, Timeout: 5 * time.Second}, nil
}

// apiGet GETs a path from the API server; out (if not nil) receives the JSON body.
func apiGet(c *Config, path string, out any) error {
	cl, err := apiClient(c)
	if err != nil {
		return err
	}
	resp, err := cl.Get(c.APIServer + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return fmt.Errorf("GET %s: %s: %s", path, resp.Status, strings.TrimSpace(lastLines(string(body), 5)))
	}
	if out != nil {
		return json.Unmarshal(body, out)
	}
	return nil
}

// httpsHealthy GETs https://addr/path without verifying the server (used for
// the self-signed health endpoints of the controller-manager and scheduler).
func httpsHealthy(url string) error {
	cl := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, DisableKeepAlives: true}}
	return httpOK(cl, url)
}

func httpOK(cl *http.Client, url string) error {
	resp, err := cl.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return fmt.Errorf("GET %s: %s %s", url, resp.Status, strings.TrimSpace(lastLines(string(body), 5)))
	}
	return nil
}

// kubectl runs the built kubectl with the admin kubeconfig.
func kubectl(c *Config, timeout time.Duration, args ...string) (string, error) {
	return run(timeout, c.Bin("kubectl"), append([]string{"--kubeconfig", c.Kubeconfig}, args...)...)
}

func kubectlCmd(c *Config, args ...string) *exec.Cmd {
	return exec.Command(c.Bin("kubectl"), append([]string{"--kubeconfig", c.Kubeconfig}, args...)...)
}

type nodeList struct {
	Items []struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Status struct {
			Conditions []struct {
				Type              string    `json:"type"`
				Status            string    `json:"status"`
				LastHeartbeatTime time.Time `json:"lastHeartbeatTime"`
			} `json:"conditions"`
		} `json:"status"`
	} `json:"items"`
}

// nodesReady returns nil when every lab node is registered and Ready. A node
// whose kubelet this run (re)started must have reported Ready since then
// (after a warm start the stored condition is stale).
func nodesReady(c *Config) error {
	var nl nodeList
	if err := apiGet(c, "/api/v1/nodes", &nl); err != nil {
		return err
	}
	ready := map[string]bool{}
	for _, it := range nl.Items {
		for _, cond := range it.Status.Conditions {
			if cond.Type == "Ready" && cond.Status == "True" {
				ready[it.Metadata.Name] = !cond.LastHeartbeatTime.Before(kubeletStart(c, it.Metadata.Name).Truncate(time.Second))
			}
		}
	}
	var missing []string
	for _, n := range c.Nodes {
		if !ready[n.Name] {
			missing = append(missing, n.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("nodes not Ready yet: %s", strings.Join(missing, ", "))
	}
	return nil
}

// defaultStorageClass returns nil when a StorageClass is marked default.
func defaultStorageClass(c *Config) error {
	var l struct {
		Items []struct {
			Metadata struct {
				Name        string            `json:"name"`
				Annotations map[string]string `json:"annotations"`
			} `json:"metadata"`
		} `json:"items"`
	}
	if err := apiGet(c, "/apis/storage.k8s.io/v1/storageclasses", &l); err != nil {
		return err
	}
	for _, it := range l.Items {
		if it.Metadata.Annotations["storageclass.kubernetes.io/is-default-class"] == "true" {
			return nil
		}
	}
	return fmt.Errorf("no default StorageClass yet")
}

// kubeletStart is when this run started the node's kubelet (zero if it did not).
func kubeletStart(c *Config, node string) time.Time {
	for _, n := range c.Nodes {
		if n.Name == node {
			return startedAt["kubelet-"+n.Letter]
		}
	}
	return time.Time{}
}
