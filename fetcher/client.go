package fetcher

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/internal/redact"
)

// response is a fetched document, read whole within the size limit and
// decompressed.
type response struct {
	Status int
	URL    string // after redirects
	Header http.Header
	Body   []byte
	// Permanent is the target of a chain of redirects that were all
	// permanent (301/308); empty when there was none or one was temporary.
	Permanent string
}

const maxRedirects = 10

const acceptFeeds = "application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"

const acceptPages = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

// errTooLarge is returned when a body exceeds [fetch].max_body_size.
var errTooLarge = errors.New("body larger than max_body_size")

// newTransport is a pooled transport that reuses connections, dialling
// with d and using proxy (nil: none).
func newTransport(d *dialer, proxy func(*http.Request) (*url.URL, error)) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = proxy
	tr.DialContext = d.DialContext
	tr.MaxIdleConnsPerHost = 4
	tr.DisableCompression = true // we ask for and decode gzip, br and deflate ourselves
	tr.ResponseHeaderTimeout = 0
	return tr
}

// newClient is the client for feeds, pages and comment feeds alike: every
// redirect hop is checked by tr.
func newClient(tr *guardedTransport) *http.Client {
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("stopped after %d redirects", maxRedirects)
			}
			if err := tr.checkRedirect(req); err != nil {
				return err
			}
			if p, ok := req.Context().Value(redirectKey{}).(*redirects); ok && req.Response != nil {
				switch req.Response.StatusCode {
				case http.StatusMovedPermanently, http.StatusPermanentRedirect:
					if !p.broken {
						p.target = req.URL.String()
					}
				default:
					p.broken, p.target = true, ""
				}
			}
			return nil
		},
	}
}

type redirectKey struct{}

// redirects follows the chain of one request.
type redirects struct {
	target string
	broken bool // a temporary redirect was on the way
}

func userAgent(cfg *config.Config, src config.Source) string {
	switch {
	case src.UserAgent != "":
		return src.UserAgent
	case cfg.Fetch.UserAgent != "":
		return cfg.Fetch.UserAgent
	}
	return "Tributary/" + Version + " (+https://github.com/tributary-feeds/tributary)"
}

// request says what to ask for.
type request struct {
	URL          string
	UserAgent    string
	Accept       string
	ETag         string
	LastModified string
	Timeout      time.Duration
	MaxBody      int64
	Source       string // the source the request is made for
	// Trusted is the source's configured URL, for a request of its feed:
	// its host is reached on every hop whatever its address. Empty for
	// pages and comment feeds, whose every hop is checked.
	Trusted string
}

// get performs one GET politely: at most [fetch].per_host at once to the
// host, within the timeout (body included) and the size limit (after
// decompression). A status outside 2xx and 304 is an error, returned with the
// response (its body unread).
func (f *Fetcher) get(ctx context.Context, r request) (*response, error) {
	// Errors name the URL as logs may show it: no userinfo, secret
	// parameters REDACTED (net/http's own errors, which quote it whole,
	// are unwrapped below).
	shown := redact.LogURL(r.URL)
	u, err := url.Parse(r.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("GET %s: not an http(s) URL", shown)
	}
	// Waiting for the host is not part of the request's time.
	if err := f.hosts.acquire(ctx, u.Hostname(), f.config().Fetch.PerHost); err != nil {
		return nil, fmt.Errorf("GET %s: waiting for a slot on %s: %w", shown, u.Hostname(), err)
	}
	defer f.hosts.release(u.Hostname())
	ctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()

	rd := &redirects{}
	ctx = context.WithValue(ctx, redirectKey{}, rd)
	pol := &policy{source: r.Source}
	if r.Trusted != "" {
		if tu, err := url.Parse(r.Trusted); err == nil {
			pol.trusted = tu.Hostname()
		}
	}
	ctx = withPolicy(ctx, pol)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", shown, unwrapURLError(err))
	}
	req.Header.Set("User-Agent", r.UserAgent)
	req.Header.Set("Accept", r.Accept)
	req.Header.Set("Accept-Encoding", "gzip, br, deflate")
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}
	start := time.Now()
	resp, err := f.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("GET %s: timed out after %v", shown, r.Timeout)
		}
		var pe *PrivateAddressError
		if errors.As(err, &pe) && !pe.Redirect {
			return nil, pe // it names the URL
		}
		return nil, fmt.Errorf("GET %s: %w", shown, unwrapURLError(err))
	}
	defer resp.Body.Close()
	out := &response{Status: resp.StatusCode, URL: resp.Request.URL.String(), Header: resp.Header}
	if !rd.broken {
		out.Permanent = rd.target
	}
	if resp.StatusCode == http.StatusNotModified {
		return out, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
		return out, fmt.Errorf("GET %s: %s", shown, resp.Status)
	}
	body, err := decode(resp)
	if err != nil {
		return out, fmt.Errorf("GET %s: %w", shown, err)
	}
	defer body.Close()
	out.Body, err = io.ReadAll(io.LimitReader(body, r.MaxBody+1))
	if err != nil {
		if ctx.Err() != nil {
			return out, fmt.Errorf("GET %s: timed out after %v reading the body (%d bytes read)", shown, time.Since(start).Round(time.Millisecond), len(out.Body))
		}
		return out, fmt.Errorf("GET %s: reading body: %w", shown, err)
	}
	if int64(len(out.Body)) > r.MaxBody {
		out.Body = nil
		return out, fmt.Errorf("GET %s: %w (%d bytes)", shown, errTooLarge, r.MaxBody)
	}
	return out, nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r readCloser) Close() error { return r.close() }

// decode undoes the response's Content-Encoding.
func decode(resp *http.Response) (io.ReadCloser, error) {
	nop := func() error { return nil }
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		return readCloser{resp.Body, nop}, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		return zr, nil
	case "br":
		return readCloser{brotli.NewReader(resp.Body), nop}, nil
	case "deflate":
		// "deflate" is zlib-wrapped by the spec, raw DEFLATE in practice too.
		br := bufio.NewReader(resp.Body)
		if h, err := br.Peek(2); err == nil && h[0]&0x0f == 8 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0 {
			zr, err := zlib.NewReader(br)
			if err != nil {
				return nil, fmt.Errorf("deflate body: %w", err)
			}
			return zr, nil
		}
		fr := flate.NewReader(br)
		return fr, nil
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %q", enc)
	}
}
