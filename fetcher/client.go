package fetcher

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/tributary-feeds/tributary/config"
)

// response is a fetched document, read whole within the size limit.
type response struct {
	Status int
	URL    string // after redirects
	Header http.Header
	Body   []byte
}

const maxRedirects = 10

func newClient(fc config.Fetch) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = fc.PerHost
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("stopped after %d redirects", maxRedirects)
			}
			return nil
		},
	}
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

// get fetches url for src. A non-2xx status is an error, returned with the response.
func (f *Fetcher) get(ctx context.Context, cfg *config.Config, src config.Source, url string) (*response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", userAgent(cfg, src))
	req.Header.Set("Accept", "application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5")
	start := time.Now()
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	r := &response{Status: resp.StatusCode, URL: resp.Request.URL.String(), Header: resp.Header}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return r, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	limit := int64(cfg.Fetch.MaxBodySize)
	r.Body, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return r, fmt.Errorf("GET %s: reading body after %v: %w", url, time.Since(start).Round(time.Millisecond), err)
	}
	if int64(len(r.Body)) > limit {
		return r, fmt.Errorf("GET %s: body larger than max_body_size (%d bytes)", url, limit)
	}
	return r, nil
}
