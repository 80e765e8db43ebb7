package publisher

import (
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/tributary-feeds/tributary/article"
)

// enclosureTypes guesses a media type from a URL's extension, for RSS, whose
// <enclosure> requires one (gorilla/feeds drops an enclosure without it). A
// fixed table, not mime.TypeByExtension, so that output does not depend on
// the machine's /etc/mime.types.
var enclosureTypes = map[string]string{
	".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".aac": "audio/aac", ".ogg": "audio/ogg",
	".oga": "audio/ogg", ".opus": "audio/opus", ".flac": "audio/flac", ".wav": "audio/wav",
	".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm", ".mov": "video/quicktime",
	".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
	".webp": "image/webp", ".svg": "image/svg+xml", ".avif": "image/avif",
	".pdf": "application/pdf", ".epub": "application/epub+zip",
}

// enclosureType is e's type, else one guessed from its URL, else
// application/octet-stream.
func enclosureType(e article.Enclosure) string {
	if e.Type != "" {
		return e.Type
	}
	p := e.URL
	if u, err := url.Parse(e.URL); err == nil {
		p = u.Path
	}
	if t, ok := enclosureTypes[strings.ToLower(path.Ext(p))]; ok {
		return t
	}
	return "application/octet-stream"
}

// enclosureLength is e's length in bytes; "0" when unknown, as the RSS
// Best Practices Profile asks.
func enclosureLength(e article.Enclosure) string {
	if e.Length <= 0 {
		return "0"
	}
	return strconv.FormatInt(e.Length, 10)
}
