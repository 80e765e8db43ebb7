package admin

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// FetchRequest is the body of POST /admin/fetch: the sources to fetch now,
// all of them when none is named (or the body is empty).
type FetchRequest struct {
	Sources []string `json:"sources"`
}

// FetchOutcome is what fetching one source now did, as POST /admin/fetch
// answers it.
type FetchOutcome struct {
	Source  string `json:"source"`
	Result  string `json:"result"` // new, updated, unchanged or error
	Status  int    `json:"http_status,omitempty"`
	New     int    `json:"new"`
	Updated int    `json:"updated"`
	Error   string `json:"error,omitempty"`
}

// FetchReport is the answer of POST /admin/fetch: one outcome per source,
// in the order asked.
type FetchReport struct {
	Outcomes []FetchOutcome `json:"outcomes"`
}

// FetchFunc fetches the named sources (all when none is named) now and
// returns their outcomes.
type FetchFunc func(ctx context.Context, names []string) []FetchOutcome

// SetFetch enables POST /admin/fetch. Set it before serving.
func (a *Admin) SetFetch(fn FetchFunc) { a.fetch = fn }

// maxFetchBody bounds the body of POST /admin/fetch: a list of names.
const maxFetchBody = 1 << 20

// serveFetch fetches sources now, as `tributary fetch` does when the
// daemon holds the store, and answers once they are all done.
func (a *Admin) serveFetch(w http.ResponseWriter, r *http.Request) {
	if a.fetch == nil {
		http.Error(w, "fetch is not available", http.StatusNotImplemented)
		return
	}
	var req FetchRequest
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxFetchBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "body too large: want {\"sources\": [NAME, …]}", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
		return
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, "bad body: want {\"sources\": [NAME, …]}: "+err.Error(), http.StatusBadRequest)
			return
		}
	}
	a.log.Info("admin: fetch now", "sources", req.Sources, "remote", r.RemoteAddr)
	rep := FetchReport{Outcomes: a.fetch(r.Context(), req.Sources)}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(rep)
}
