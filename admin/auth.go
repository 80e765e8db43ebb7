package admin

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"

	"github.com/tributary-feeds/tributary/config"
)

// guard lets a request through when it may use the admin endpoints: with
// [server].admin_token set, only when it bears that token; without, only
// when it comes from a loopback address. A reload from loopback may also
// present what the file it would load demands, so that a reload changing or
// removing the token works.
func (a *Admin) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := a.config().Server.AdminToken
		if !Authorized(r, token) && !a.reloadByNewRule(r) {
			if token != "" {
				w.Header().Set("WWW-Authenticate", `Bearer realm="tributary admin"`)
				http.Error(w, "admin endpoints need the admin token: Authorization: Bearer TOKEN", http.StatusUnauthorized)
				return
			}
			http.Error(w, "admin endpoints answer only on loopback unless [server].admin_token is set", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Authorized reports whether r may see what only the operator sees, under
// the admin token token: when it is set, r must bear it; when it is not, r
// must come from loopback. The admin endpoints and the publisher's status
// strip share this one rule.
func Authorized(r *http.Request, token string) bool {
	if token != "" {
		return bearer(r, token)
	}
	return fromLoopback(r)
}

// reloadByNewRule lets POST /admin/reload from loopback through when it
// satisfies the rule of the configuration file it would load: the new
// token, or none when the file sets none. Whoever the reloaded daemon will
// answer may ask for the reload; SIGHUP needs no token either.
func (a *Admin) reloadByNewRule(r *http.Request) bool {
	if r.Method != http.MethodPost || r.URL.Path != "/admin/reload" || !fromLoopback(r) {
		return false
	}
	cfg, _ := config.Load(a.config().File)
	return cfg != nil && cfg.Server.AdminToken != a.config().Server.AdminToken && Authorized(r, cfg.Server.AdminToken)
}

// bearer reports whether r carries "Authorization: Bearer token", comparing
// in constant time.
func bearer(r *http.Request, token string) bool {
	h := r.Header.Get("Authorization")
	const prefix = "bearer "
	if len(h) < len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return false
	}
	got := strings.TrimSpace(h[len(prefix):])
	return subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}

// fromLoopback reports whether the request's peer is a loopback address.
// Behind a reverse proxy on the same host every request looks local: set
// admin_token there.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
