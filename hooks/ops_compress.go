package hooks

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// What a page costs on a slow phone (issue #23): the API's JSON answers go
// gzipped to a client that accepts it — the flow table the pages load
// first is 38 KB as JSON, 4 KB gzipped — and a page file answered 304 Not
// Modified carries only what revalidation needs.

// jsonGzipMin is the smallest JSON body worth compressing: below it gzip's
// header and the CPU cost outweigh what it saves.
const jsonGzipMin = 1024

var gzipWriters = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression); return w }}

// compressJSON gzips the API's JSON responses of 1 KB or more. It looks at
// the response itself, not the route: only a body sent as application/json
// is compressed, so file downloads (images, the .xlsx exports, PDFs,
// already compressed) go as they are, and the realtime stream
// (/api/realtime, text/event-stream) is never wrapped at all, so no event is
// held in a buffer.
func compressJSON(e *core.RequestEvent) error {
	p := e.Request.URL.Path
	if !strings.HasPrefix(p, "/api/") || p == "/api/realtime" || !acceptsGzip(e.Request) {
		return e.Next()
	}
	orig := e.Response
	w := &jsonGzipWriter{ResponseWriter: orig}
	e.Response = w
	err := e.Next()
	w.finish()
	e.Response = orig
	return err
}

// jsonGzipWriter decides at the first write of the body whether to
// compress it: when the response is JSON, not already encoded, and the
// first write (PocketBase writes a JSON body in one) is at least
// jsonGzipMin bytes.
type jsonGzipWriter struct {
	http.ResponseWriter
	code    int  // status held until the body's first write
	decided bool // headers sent
	gz      *gzip.Writer
}

func (w *jsonGzipWriter) WriteHeader(code int) {
	if w.decided {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	if code < 200 || code == http.StatusNoContent || code == http.StatusNotModified {
		// No body follows (or an informational header): nothing to decide.
		if code >= 200 {
			w.decided = true
		}
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.code = code
}

func (w *jsonGzipWriter) Write(b []byte) (int, error) {
	if !w.decided {
		w.decide(len(b))
	}
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

func (w *jsonGzipWriter) decide(size int) {
	w.decided = true
	h := w.Header()
	if strings.HasPrefix(h.Get("Content-Type"), "application/json") && h.Get("Content-Encoding") == "" {
		h.Add("Vary", "Accept-Encoding")
		if size >= jsonGzipMin {
			h.Del("Content-Length")
			h.Set("Content-Encoding", "gzip")
			w.gz = gzipWriters.Get().(*gzip.Writer)
			w.gz.Reset(w.ResponseWriter)
		}
	}
	if w.code != 0 {
		w.ResponseWriter.WriteHeader(w.code)
	}
}

// Flush sends what is compressed so far (a handler that streams).
func (w *jsonGzipWriter) Flush() {
	if !w.decided {
		w.decide(0)
	}
	if w.gz != nil {
		_ = w.gz.Flush()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *jsonGzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish sends a status held for a body that never came, and ends the
// compressed stream.
func (w *jsonGzipWriter) finish() {
	if !w.decided && w.code != 0 {
		w.decided = true
		w.ResponseWriter.WriteHeader(w.code)
	}
	if w.gz != nil {
		_ = w.gz.Close()
		w.gz.Reset(io.Discard)
		gzipWriters.Put(w.gz)
		w.gz = nil
	}
}

// notModifiedWriter leaves out of a 304 the headers the browser keeps from
// the response it has stored (RFC 9111 4.3.4: a 304 updates the stored
// headers it carries, the others stay): the security policy alone is some
// 700 bytes, and a warm page load revalidates dozens of modules. A 304
// keeps what RFC 9110 15.4.5 asks for: Cache-Control, ETag, Vary, Date.
type notModifiedWriter struct{ http.ResponseWriter }

var storedHeaders = []string{"Content-Security-Policy", "Permissions-Policy", "Referrer-Policy", "X-Frame-Options",
	"X-Content-Type-Options", "X-Xss-Protection", "Cross-Origin-Opener-Policy", "Last-Modified", "Accept-Ranges"}

func (w *notModifiedWriter) WriteHeader(code int) {
	if code == http.StatusNotModified {
		for _, k := range storedHeaders {
			w.Header().Del(k)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *notModifiedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
