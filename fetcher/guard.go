package fetcher

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tributary-feeds/tributary/internal/cpushare"
)

// The private-address guard. A source's bytes are hostile: a feed, a page
// or a redirect may point at the daemon's own network (127.0.0.1, a router
// on 192.168.0.1, a cloud's metadata service on 169.254.169.254) and have
// Tributary fetch it and publish what it got. So every connection a request
// opens is checked at dial time, against the address actually dialled (after
// DNS: a name that resolves to a public address for a check and a private one
// for the dial cannot slip through). The only exception is the host of the
// URL the operator wrote in the config, trusted as written on every hop of
// that source's own fetch: a local feed server is a fine source.

// PrivateAddressError is a request refused because the address it would
// reach is not on the public internet and [fetch] allow_private is false.
type PrivateAddressError struct {
	Source   string     // the source the request was made for
	URL      string     // the URL refused: a redirect's target, a page, a comment feed
	Addr     netip.Addr // the address it resolved to
	Redirect bool       // URL was reached by a redirect
}

func (e *PrivateAddressError) Error() string {
	what := "GET " + e.URL
	if e.Redirect {
		what = "redirect to " + e.URL
	}
	return fmt.Sprintf("%s: refused private address %s", what, e.Addr)
}

// Options are a Fetcher's settings that are not part of the configuration.
type Options struct {
	// Resolve, when set, replaces DNS: it returns host's addresses. Tests
	// use it to make names such as public.test and private.test resolve to
	// addresses of their choosing, which the guard then classifies.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
	// Connect, when set, opens the connection to an address the guard has
	// let through, instead of dialling it: tests send the simulated
	// addresses to a loopback listener.
	Connect func(ctx context.Context, network string, addr netip.AddrPort) (net.Conn, error)
	// Now, when set, is the clock that schedules retries of article pages.
	Now func() time.Time
	// Gate, when set, is told while scheduled fetches run their CPU work, so
	// that readers give way to them (see readers.go); cmd hands the same
	// gate to the publisher.
	Gate *cpushare.Gate
}

// isPrivate reports whether a is anything but a public unicast address:
// loopback, private, shared (CGNAT), link-local, multicast, documentation,
// benchmarking, reserved, unspecified or broadcast; or an IPv6 form that
// embeds one of those IPv4 addresses (IPv4-mapped, NAT64, 6to4, Teredo).
// Unknown IPv6 space (outside 2000::/3) counts as private.
func isPrivate(a netip.Addr) bool {
	if !a.IsValid() {
		return true
	}
	a = a.WithZone("")
	if a.Is4In6() {
		a = a.Unmap()
	}
	if a.Is4() {
		for _, p := range private4 {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	switch {
	case nat64.Contains(a):
		b := a.As16()
		return isPrivate(netip.AddrFrom4([4]byte(b[12:16])))
	case sixToFour.Contains(a):
		b := a.As16()
		return isPrivate(netip.AddrFrom4([4]byte(b[2:6])))
	case teredo.Contains(a):
		// The server's IPv4 address, then the client's, stored inverted.
		b := a.As16()
		var client [4]byte
		for i := range client {
			client[i] = ^b[12+i]
		}
		return isPrivate(netip.AddrFrom4([4]byte(b[4:8]))) || isPrivate(netip.AddrFrom4(client))
	}
	if !globalUnicast6.Contains(a) {
		return true // ::/8 (unspecified, loopback, IPv4-compatible), 64:ff9b:1::/48, 100::/64, fc00::/7, fe80::/10, fec0::/10, ff00::/8, …
	}
	for _, p := range private6 {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

var (
	// IPv4 space that is not public unicast (IANA's special-purpose
	// registry, RFC 6890 and successors).
	private4 = mustPrefixes(
		"0.0.0.0/8",       // "this network", 0.0.0.0 included
		"10.0.0.0/8",      // private
		"100.64.0.0/10",   // shared address space (carrier-grade NAT)
		"127.0.0.0/8",     // loopback
		"169.254.0.0/16",  // link-local, cloud metadata services
		"172.16.0.0/12",   // private
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // documentation (TEST-NET-1)
		"192.88.99.0/24",  // 6to4 relay anycast (deprecated)
		"192.168.0.0/16",  // private
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // documentation (TEST-NET-2)
		"203.0.113.0/24",  // documentation (TEST-NET-3)
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, 255.255.255.255 (broadcast) included
	)
	globalUnicast6 = netip.MustParsePrefix("2000::/3")
	nat64          = netip.MustParsePrefix("64:ff9b::/96") // well-known NAT64: the IPv4 address in the last 32 bits
	sixToFour      = netip.MustParsePrefix("2002::/16")    // 6to4: the IPv4 address in bits 16-47
	teredo         = netip.MustParsePrefix("2001::/32")    // Teredo: server and (inverted) client IPv4 addresses
	// Inside 2000::/3, what is not public unicast.
	private6 = mustPrefixes(
		"2001:2::/48",   // benchmarking
		"2001:10::/28",  // ORCHID (deprecated)
		"2001:20::/28",  // ORCHIDv2: identifiers, not locators
		"2001:db8::/32", // documentation
		"3fff::/20",     // documentation
	)
)

// refuse is the guard's verdict on one address.
func refuse(a netip.Addr) error {
	if isPrivate(a) {
		return &PrivateAddressError{Addr: a}
	}
	return nil
}

// dialer opens a transport's connections; with check, only to public
// addresses.
type dialer struct {
	check bool
	opts  Options
	net   net.Dialer
}

func newDialer(check bool, opts Options) *dialer {
	d := &dialer{check: check, opts: opts, net: net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}}
	if check {
		// Control sees every address the dialer tries, after DNS, so the
		// address checked is the address connected to.
		d.net.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("refusing to dial %s: not an IP address", address)
			}
			return refuse(ap.Addr())
		}
	}
	return d
}

// DialContext dials address. Without hooks, net.Dialer resolves and tries
// each address (Control checks each); with Options.Resolve or Connect, the
// same is done here, the guard between the resolver and the connection.
func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if d.opts.Resolve == nil && d.opts.Connect == nil {
		return d.net.DialContext(ctx, network, address)
	}
	host, ps, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(ps, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("dial %s: bad port", address)
	}
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else if d.opts.Resolve != nil {
		addrs, err = d.opts.Resolve(ctx, host)
	} else {
		addrs, err = net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	}
	if err != nil {
		return nil, &net.DNSError{Err: err.Error(), Name: host}
	}
	if len(addrs) == 0 {
		return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	var first error
	for _, a := range addrs {
		if d.check {
			if err := refuse(a); err != nil {
				first = cmp.Or(first, err)
				continue
			}
		}
		ap := netip.AddrPortFrom(a, uint16(port))
		var conn net.Conn
		if d.opts.Connect != nil {
			conn, err = d.opts.Connect(ctx, network, ap)
		} else {
			conn, err = d.net.DialContext(ctx, network, ap.String())
		}
		if err == nil {
			return conn, nil
		}
		first = cmp.Or(first, err)
	}
	return nil, first
}

// policy is what one request (all its redirect hops) may reach.
type policy struct {
	source  string
	trusted string // host name (lower case) of the URL the operator configured; "" for pages
}

type policyKey struct{}

func withPolicy(ctx context.Context, p *policy) context.Context {
	return context.WithValue(ctx, policyKey{}, p)
}

func policyOf(req *http.Request) *policy {
	if p, ok := req.Context().Value(policyKey{}).(*policy); ok {
		return p
	}
	return &policy{}
}

// trusts reports whether u is on the configured host: the operator named it,
// so its address is not checked, on any hop of that source's fetch.
func (p *policy) trusts(u *url.URL) bool {
	return p.trusted != "" && strings.EqualFold(u.Hostname(), p.trusted)
}

func (p *policy) refusal(req *http.Request, a netip.Addr) error {
	return &PrivateAddressError{Source: p.source, URL: req.URL.String(), Addr: a, Redirect: req.Response != nil}
}

// guardedTransport sends each request, each redirect hop included, through
// one of two pools. open dials anything: it carries hops to the source's
// configured host, and everything while allow_private is true. checked
// refuses private addresses at dial time, and never uses a proxy (the
// address dialled would be the proxy's, and the check meaningless). Two
// pools, because a pooled connection is reused without a dial: one opened
// to a trusted private host must never carry a request that is checked.
type guardedTransport struct {
	open, checked *http.Transport
	allowPrivate  func() bool
}

func newGuardedTransport(opts Options, allowPrivate func() bool) *guardedTransport {
	return &guardedTransport{
		open:         newTransport(newDialer(false, opts), http.ProxyFromEnvironment),
		checked:      newTransport(newDialer(true, opts), nil),
		allowPrivate: allowPrivate,
	}
}

func (t *guardedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	p := policyOf(req)
	if t.allowPrivate() || p.trusts(req.URL) {
		return t.open.RoundTrip(req)
	}
	resp, err := t.checked.RoundTrip(req)
	var pe *PrivateAddressError
	if err != nil && errors.As(err, &pe) {
		return nil, p.refusal(req, pe.Addr)
	}
	return resp, err
}

// checkRedirect refuses, before any dial, a redirect whose host is a
// private address literal.
func (t *guardedTransport) checkRedirect(req *http.Request) error {
	p := policyOf(req)
	if t.allowPrivate() || p.trusts(req.URL) {
		return nil
	}
	if a, err := netip.ParseAddr(req.URL.Hostname()); err == nil && isPrivate(a) {
		return p.refusal(req, a)
	}
	return nil
}
