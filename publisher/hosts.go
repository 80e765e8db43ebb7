package publisher

import (
	"net/http"
	"strings"
	"sync"
)

// maxHosts bounds the Host headers that get self links of their own when
// [server].base_url is not set: each is a set of cache entries, so an
// unbounded set would let random Host headers fill memory and make every
// request a render.
const maxHosts = 32

// hostSet is the hosts seen so far, up to maxHosts; later ones share the
// fallback base.
type hostSet struct {
	mu     sync.Mutex
	seen   map[string]bool
	warned bool
}

// admit reports whether host has (or now gets) a place in the set, and
// whether the set was full for the first time (to warn once).
func (h *hostSet) admit(host string) (ok, firstRefusal bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.seen[host] {
		return true, false
	}
	if len(h.seen) < maxHosts {
		if h.seen == nil {
			h.seen = map[string]bool{}
		}
		h.seen[host] = true
		return true, false
	}
	first := !h.warned
	h.warned = true
	return false, first
}

// base is the URL self links start with, ending in "/": [server].base_url
// when set; else the request's host (lower-cased, a default port dropped)
// while it is one of the first maxHosts seen; else http://LISTEN/.
func (p *Publisher) base(s state, r *http.Request) string {
	if s.cfg.Server.BaseURL != "" || r == nil || r.Host == "" {
		return baseURL(s.cfg.Server.BaseURL, r)
	}
	scheme, defaultPort := "http", ":80"
	if r.TLS != nil {
		scheme, defaultPort = "https", ":443"
	}
	host := strings.TrimSuffix(strings.ToLower(r.Host), defaultPort)
	ok, warn := p.hosts.admit(host)
	if !ok {
		if warn {
			p.log.Warn("more distinct Host headers than self links are kept for: the others get "+
				"http://[server].listen/ links; set [server].base_url", "kept", maxHosts, "host", host)
		}
		return listenBase(s)
	}
	return scheme + "://" + host + "/"
}

// listenBase is http://[server].listen/, the base of WebSub pings and of
// requests whose host is not kept when [server].base_url is unset.
func listenBase(s state) string {
	return baseURL("http://"+s.cfg.Server.Listen, nil)
}
