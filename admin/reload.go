package admin

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/tributary-feeds/tributary/config"
)

// serveReload re-reads the configuration, as SIGHUP does. An invalid file
// is refused with 422 and every problem, one a line; the running
// configuration stays.
func (a *Admin) serveReload(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if a.reload == nil {
		http.Error(w, "reload is not available", http.StatusNotImplemented)
		return
	}
	if err := a.reload(r.Context()); err != nil {
		code := http.StatusInternalServerError
		var probs config.Problems
		if errors.As(err, &probs) {
			code = http.StatusUnprocessableEntity
		}
		w.WriteHeader(code)
		fmt.Fprintf(w, "%v\nreload refused: the running configuration is kept\n", err)
		return
	}
	fmt.Fprintf(w, "reloaded %s: %d sources\n", a.config().File, len(a.config().Sources))
}
