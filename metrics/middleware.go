package metrics

import (
	"net/http"
	"strings"
)

// FeedRequests wraps the publisher's handler, counting each request for a
// feed (/feed.EXT, /g/NAME.EXT) by format and the status it was answered with.
// Other paths pass through uncounted.
func (m *Metrics) FeedRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		format := feedFormat(r.URL.Path)
		if format == "" {
			next.ServeHTTP(w, r)
			return
		}
		sw := &statusWriter{ResponseWriter: w}
		defer func() { m.countRequest(format, sw.code()) }()
		next.ServeHTTP(sw, r)
	})
}

// feedFormat is "atom", "rss" or "json" for a feed's path, else "".
func feedFormat(path string) string {
	var file string
	switch {
	case strings.HasPrefix(path, "/feed."):
		file = path[1:]
	case strings.HasPrefix(path, "/g/"):
		file = path[len("/g/"):]
		if strings.Contains(file, "/") {
			return ""
		}
	default:
		return ""
	}
	i := strings.LastIndexByte(file, '.')
	if i < 0 {
		return ""
	}
	switch ext := file[i+1:]; ext {
	case "atom", "rss", "json":
		return ext
	}
	return ""
}

// statusWriter remembers the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
