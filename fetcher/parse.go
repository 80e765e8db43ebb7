package fetcher

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/mmcdole/gofeed"
)

// parseFeed parses a fetched document as RSS, Atom or JSON Feed.
func parseFeed(body []byte) (*gofeed.Feed, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("empty document")
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if feed.FeedType == "json" && feed.FeedVersion == "" {
		return nil, errors.New("parse: a JSON document that is not a JSON Feed")
	}
	return feed, nil
}
