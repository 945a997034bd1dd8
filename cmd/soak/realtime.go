package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// rtClient is one open page listening on /api/realtime: a resident's portal
// home, a technician's field app, the desk's dispatch board or the
// supervisor's dashboard, subscribed to the topics that page subscribes to.
type rtClient struct {
	kind   string // resident, technician, desk, supervisor
	c      *client
	topics []string
	http   *http.Client
	m      *metrics
	ready  chan struct{} // closed once the first subscription is accepted
	once   sync.Once
}

// topic adds the SDK's options to a collection topic, as
// pb.collection(c).subscribe(topic, cb, {filter, expand}) does.
func topic(name string, query map[string]string) string {
	b, _ := json.Marshal(map[string]any{"query": query})
	return name + "?options=" + url.QueryEscape(string(b))
}

// realtimeClients makes n listeners: most are residents' portals (several
// tabs per resident), the rest technicians, the desk and the supervisor.
// With narrow topics (hooks/base_realtime.go) the pages follow
// resident/<id>, employee/<id> and community/<id>/<collection>; with wide ones
// (the pages before them) the collections' "*" topics, which PocketBase
// checks against the list rule once per subscriber per change.
func (w *world) realtimeClients(n int, narrow bool) []*rtClient {
	var out []*rtClient
	add := func(kind string, c *client, topics ...string) {
		out = append(out, &rtClient{kind: kind, c: c, topics: topics, m: w.m,
			http: &http.Client{Transport: newTransport(c.ip)}, ready: make(chan struct{})})
	}
	community := map[string]string{"filter": "community = " + q(w.community)}
	ctopic := func(col string) string { return "community/" + w.community + "/" + col }
	for i := 0; i < n; i++ {
		switch f := i % 20; {
		case f < 17: // home.js: open requests of the resident, bills due of the unit; bell.js
			r := w.residents[(i/20*17+f)%len(w.residents)]
			if narrow {
				add("resident", r.client, "resident/"+r.id)
			} else {
				add("resident", r.client, "complaints/*", "work_orders/*", "renovations/*",
					topic("bills/*", map[string]string{"filter": "unit = " + q(r.units[0])}), "notifications/*")
			}
		case f < 19: // field.js: own queue and the pools of the trades; bell.js
			t := w.techs[i%len(w.techs)]
			topics := []string{"queue/" + t.id}
			for _, s := range strs(t.record, "skills") {
				topics = append(topics, "pool/"+w.community+"/"+s)
			}
			add("technician", t, append(topics, bell(t, narrow))...)
		default:
			if i%40 == 19 { // desk.js: the dispatch board
				if narrow {
					add("desk", w.desk, ctopic("work_orders"), bell(w.desk, narrow))
				} else {
					add("desk", w.desk, topic("work_orders/*", map[string]string{"filter": community["filter"], "expand": boardExpand}), bell(w.desk, narrow))
				}
			} else if narrow { // dashboard.js
				add("supervisor", w.supervisor, ctopic("complaints"), ctopic("work_orders"), bell(w.supervisor, narrow))
			} else {
				add("supervisor", w.supervisor, topic("complaints/*", community), topic("work_orders/*", community), bell(w.supervisor, narrow))
			}
		}
	}
	return out
}

// bell is the notification bell's topic of a staff member (ui.js myTopic).
func bell(c *client, narrow bool) string {
	if narrow {
		return "employee/" + c.id
	}
	return "notifications/*"
}

// narrowTopics asks the server whether it has the per-recipient topics:
// such a server refuses a resident's subscription to another resident's
// topic (403); one without them accepts any topic name.
func narrowTopics(ctx context.Context, a, b *client) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", a.base+"/api/realtime", nil)
	hc := &http.Client{Transport: newTransport(a.ip)}
	res, err := hc.Do(req)
	if err != nil {
		return false, err
	}
	defer res.Body.Close()
	br := bufio.NewReader(res.Body)
	id := ""
	for id == "" {
		line, err := br.ReadString('\n')
		if err != nil {
			return false, err
		}
		if rest, ok := strings.CutPrefix(line, "data:"); ok {
			var hello struct {
				ClientID string `json:"clientId"`
			}
			json.Unmarshal([]byte(strings.TrimSpace(rest)), &hello)
			id = hello.ClientID
		}
	}
	body, _ := json.Marshal(map[string]any{"clientId": id, "subscriptions": []string{"resident/" + b.id}})
	sub, _ := http.NewRequestWithContext(ctx, "POST", a.base+"/api/realtime", bytes.NewReader(body))
	sub.Header.Set("Content-Type", "application/json")
	sub.Header.Set("Authorization", a.token)
	r2, err := hc.Do(sub)
	if err != nil {
		return false, err
	}
	r2.Body.Close()
	return r2.StatusCode == http.StatusForbidden, nil
}

// listen keeps the client connected until ctx ends: connect, subscribe on
// PB_CONNECT, count messages; reconnect when the server closes the stream
// (PocketBase closes idle streams after 5 minutes).
func (r *rtClient) listen(ctx context.Context, wg *sync.WaitGroup) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			r.stream(ctx)
			if ctx.Err() != nil {
				return
			}
			r.m.rtEvent(func(rt *rtCounters, _ *window) { rt.drops++ })
			select {
			case <-ctx.Done():
			case <-time.After(300 * time.Millisecond):
			}
		}
	}()
}

func (r *rtClient) stream(ctx context.Context) {
	req, _ := http.NewRequestWithContext(ctx, "GET", r.c.base+"/api/realtime", nil)
	res, err := r.http.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			r.m.record("realtime.connect", 0, 0, err.Error())
		}
		return
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		r.m.record("realtime.connect", res.StatusCode, 0, res.Status)
		return
	}
	r.m.rtEvent(func(rt *rtCounters, _ *window) { rt.connected++ })
	defer r.m.rtEvent(func(rt *rtCounters, _ *window) { rt.connected-- })
	br := bufio.NewReaderSize(res.Body, 64<<10)
	var event string
	var data bytes.Buffer
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "":
			if event != "" {
				r.deliver(ctx, event, data.Bytes())
			}
			event = ""
			data.Reset()
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(line[len("event:"):])
		case strings.HasPrefix(line, "data:"):
			data.WriteString(strings.TrimPrefix(line[len("data:"):], " "))
		}
	}
}

func (r *rtClient) deliver(ctx context.Context, event string, data []byte) {
	at := time.Now()
	if event == "PB_CONNECT" {
		var hello struct {
			ClientID string `json:"clientId"`
		}
		json.Unmarshal(data, &hello)
		r.m.rtEvent(func(rt *rtCounters, _ *window) { rt.connects++ })
		// Subscribing in the background: the stream must keep being read.
		go func() {
			body := map[string]any{"clientId": hello.ClientID, "subscriptions": r.topics}
			if _, err := r.c.do(ctx, "realtime.subscribe", "POST", "/api/realtime", body, nil); err == nil {
				r.once.Do(func() {
					r.m.rtEvent(func(rt *rtCounters, _ *window) { rt.subscribed++ })
					close(r.ready)
				})
			}
		}()
		return
	}
	var msg struct {
		Record struct {
			Updated string `json:"updated"`
		} `json:"record"`
	}
	json.Unmarshal(data, &msg)
	name, _, _ := strings.Cut(event, "/")
	key := r.kind + " " + name
	var lag time.Duration = -1
	if t, err := time.Parse("2006-01-02 15:04:05.000Z", msg.Record.Updated); err == nil {
		lag = max(at.Sub(t), 0)
	}
	r.m.rtEvent(func(rt *rtCounters, w *window) {
		rt.messages++
		rt.byKind[key]++
		w.rtN++
		if lag >= 0 {
			rt.lag = append(rt.lag, lag)
			w.rtLag = append(w.rtLag, lag)
		}
	})
}

// signaturePNG is the resident's signature on the technician's screen.
var signaturePNG = func() []byte {
	img := image.NewGray(image.Rect(0, 0, 120, 40))
	for x := 10; x < 110; x++ {
		img.SetGray(x, 20+(x%17)/3, color.Gray{Y: 255})
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}()
