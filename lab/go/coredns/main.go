// Command coredns is a CoreDNS build with only the plugins the lab needs:
// bind (listen on the pod-bridge gateways), errors, log, cache and
// kubernetes (cluster.local from the API server). CoreDNS registers a plugin
// when its package is imported; the directive order stays CoreDNS's own
// (dnsserver.Directives), of which only the imported plugins can be used.
package main

import (
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/core/dnsserver"
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/log"
)

func main() {
	coremain.Run()
}
