package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// client is one signed-in account talking to the server over HTTP, from
// its own loopback address (127.0.1.N): the server's sign-in rate limit is
// per client IP, as it would be for people in their own homes.
type client struct {
	base   string
	ip     net.IP
	http   *http.Client
	m      *metrics
	token  string
	id     string
	email  string
	record map[string]any
}

// requestTimeout bounds every ordinary request: one that takes longer is a
// transport error, which fails the soak like a 5xx.
const requestTimeout = 30 * time.Second

func newTransport(ip net.IP) *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: ip}}
	return &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 8, IdleConnTimeout: 90 * time.Second}
}

func newClient(base string, ip net.IP, m *metrics) *client {
	return &client{base: base, ip: ip, m: m, http: &http.Client{Transport: newTransport(ip), Timeout: requestTimeout}}
}

// apiError is the body of a refused request.
type apiError struct {
	Status  int            `json:"status"`
	Message string         `json:"message"`
	Data    map[string]any `json:"data"`
}

func (e apiError) text() string {
	s := e.Message
	for k, v := range e.Data {
		if f, ok := v.(map[string]any); ok {
			s += fmt.Sprintf(" %s: %v", k, f["message"])
		}
	}
	return s
}

// do sends a JSON request and decodes a 2xx answer into out. It returns the
// status (0 for a transport error); every call is counted under action.
func (c *client) do(ctx context.Context, action, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	return c.send(ctx, action, method, path, "application/json", rd, out)
}

// multipart sends fields and one file as multipart/form-data (a signature).
func (c *client) multipart(ctx context.Context, action, method, path string, fields map[string]string, file, name string, data []byte, out any) (int, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name=%q; filename=%q`, file, name)}
	h["Content-Type"] = []string{"image/png"}
	part, err := w.CreatePart(h)
	if err != nil {
		return 0, err
	}
	part.Write(data)
	w.Close()
	return c.send(ctx, action, method, path, w.FormDataContentType(), &buf, out)
}

func (c *client) send(ctx context.Context, action, method, path, ctype string, body io.Reader, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", c.token)
	}
	t := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err() // the soak is ending: not the server's doing
		}
		c.m.record(action, 0, time.Since(t), err.Error())
		return 0, err
	}
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	d := time.Since(t)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		c.m.record(action, 0, d, err.Error())
		return 0, err
	}
	if res.StatusCode >= 400 {
		var e apiError
		json.Unmarshal(raw, &e)
		msg := e.text()
		if msg == "" {
			msg = string(raw)
		}
		c.m.record(action, res.StatusCode, d, method+" "+trimQuery(path)+": "+msg)
		return res.StatusCode, fmt.Errorf("%s %s: %d %s", method, trimQuery(path), res.StatusCode, msg)
	}
	c.m.record(action, res.StatusCode, d, "")
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return res.StatusCode, fmt.Errorf("%s %s: decode: %w", method, trimQuery(path), err)
		}
	}
	return res.StatusCode, nil
}

func trimQuery(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[:i]
	}
	return p
}

// signIn authenticates the client as email in collection col.
func (c *client) signIn(ctx context.Context, col, email, password string) error {
	var out struct {
		Token  string         `json:"token"`
		Record map[string]any `json:"record"`
	}
	_, err := c.do(ctx, "signin", "POST", "/api/collections/"+col+"/auth-with-password",
		map[string]string{"identity": email, "password": password}, &out)
	if err != nil {
		return fmt.Errorf("sign in %s: %w", email, err)
	}
	c.token, c.record, c.email = out.Token, out.Record, email
	c.id, _ = out.Record["id"].(string)
	return nil
}

// list is one page of records.
type list struct {
	Items []map[string]any `json:"items"`
}

// records builds a records URL: collection, then query pairs.
func records(col string, kv ...string) string {
	return withQuery("/api/collections/"+col+"/records", kv...)
}

// recordURL is one record's URL, with query pairs.
func recordURL(col, id string, kv ...string) string {
	return withQuery("/api/collections/"+col+"/records/"+url.PathEscape(id), kv...)
}

func withQuery(p string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	return p
}

// str and num read loosely typed record fields.
func str(r map[string]any, k string) string { s, _ := r[k].(string); return s }

func num(r map[string]any, k string) int64 { f, _ := r[k].(float64); return int64(f) }

func strs(r map[string]any, k string) []string {
	var out []string
	if a, ok := r[k].([]any); ok {
		for _, v := range a {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// q quotes a value for a PocketBase filter, as the SDK's pb.filter does.
func q(s string) string { b, _ := json.Marshal(s); return string(b) }
