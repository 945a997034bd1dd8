package hooks_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/outbox"
	"wuye/lib/workcal"
)

// Web Push (docs/DESIGN.md § Notifications and deliveries): a browser's
// subscription, the push the outbox sends to it, and what the push service
// answers.

// browserKeys is what a browser keeps of its subscription: the private
// half of p256dh and the auth secret.
type browserKeys struct {
	priv *ecdh.PrivateKey
	auth []byte
}

func newBrowserKeys(t *testing.T) browserKeys {
	t.Helper()
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	_, _ = rand.Read(auth)
	return browserKeys{priv: priv, auth: auth}
}

func (k browserKeys) p256dh() string {
	return base64.RawURLEncoding.EncodeToString(k.priv.PublicKey().Bytes())
}
func (k browserKeys) authKey() string { return base64.RawURLEncoding.EncodeToString(k.auth) }

// decrypt opens an aes128gcm push body (RFC 8188 with the keys of RFC
// 8291) as the browser does.
func (k browserKeys) decrypt(t *testing.T, body []byte) []byte {
	t.Helper()
	if len(body) < 21 {
		t.Fatalf("push body of %d bytes", len(body))
	}
	salt, idlen := body[:16], int(body[20])
	rs := binary.BigEndian.Uint32(body[16:20])
	asPub := body[21 : 21+idlen]
	ct := body[21+idlen:]
	if rs < 18 || len(ct) > int(rs) {
		t.Fatalf("record size %d, ciphertext %d", rs, len(ct))
	}
	sender, err := ecdh.P256().NewPublicKey(asPub)
	if err != nil {
		t.Fatalf("sender key: %v", err)
	}
	shared, err := k.priv.ECDH(sender)
	if err != nil {
		t.Fatal(err)
	}
	info := append(append([]byte("WebPush: info\x00"), k.priv.PublicKey().Bytes()...), asPub...)
	prk, _ := hkdf.Extract(sha256.New, shared, k.auth)
	ikm, _ := hkdf.Expand(sha256.New, prk, string(info), 32)
	cek, _ := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	nonce, _ := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	block, _ := aes.NewCipher(cek)
	gcm, _ := cipher.NewGCM(block)
	plain, err := gcm.Open(nil, nonce, ct, nil)
	if err != nil {
		t.Fatalf("the push does not open with the subscription's keys: %v", err)
	}
	end := len(plain) - 1
	for end >= 0 && plain[end] == 0 {
		end--
	}
	if end < 0 || plain[end] != 2 {
		t.Fatal("no last-record delimiter")
	}
	return plain[:end]
}

// pushService is a push service on loopback: it keeps what it is sent and
// answers with status.
type pushService struct {
	*httptest.Server
	mu       sync.Mutex
	status   int
	received []pushRequest
}

type pushRequest struct {
	path   string
	header http.Header
	body   []byte
}

func newPushService(t *testing.T) *pushService {
	t.Helper()
	t.Setenv("WUYE_PUSH_LOOPBACK", "1") // the tests' own push service, on loopback
	s := &pushService{status: http.StatusCreated}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.received = append(s.received, pushRequest{path: r.URL.Path, header: r.Header.Clone(), body: b})
		code := s.status
		s.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *pushService) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.received)
}

func (s *pushService) last() pushRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received[len(s.received)-1]
}

func subscriptionBody(owner *core.Record, endpoint string, k browserKeys) string {
	field := "recipient_staff"
	if owner.Collection().Name == "residents" {
		field = "recipient_resident"
	}
	b, _ := json.Marshal(map[string]string{field: owner.Id, "endpoint": endpoint, "p256dh": k.p256dh(), "auth": k.authKey()})
	return string(b)
}

// subscribe saves a subscription through the API as its owner.
func subscribe(t *testing.T, h http.Handler, owner *core.Record, email, endpoint string, k browserKeys) string {
	t.Helper()
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/push_subscriptions/records", subscriptionBody(owner, endpoint, k), email)
	expectBody(t, "subscribe "+email, code, body, 200)
	var r struct{ ID string }
	_ = json.Unmarshal([]byte(body), &r)
	return r.ID
}

// notifyWith writes one notification to recipient and returns its
// deliveries on channel.
func notifyWith(t *testing.T, app core.App, n hooks.Notice, channel string) []*core.Record {
	t.Helper()
	before := map[string]bool{}
	old, _ := app.FindAllRecords("deliveries", dbx.HashExp{"channel": channel})
	for _, d := range old {
		before[d.Id] = true
	}
	if err := app.RunInTransaction(func(tx core.App) error { return hooks.Notify(tx, n) }); err != nil {
		t.Fatal(err)
	}
	all, _ := app.FindAllRecords("deliveries", dbx.HashExp{"channel": channel})
	var out []*core.Record
	for _, d := range all {
		if !before[d.Id] {
			out = append(out, d)
		}
	}
	return out
}

// Each person subscribes, lists and removes their own browsers only, and a
// subscription points at a push service over https (http on loopback is a
// test's own service).
func TestPushSubscriptionsAreTheirOwnersAndHTTPS(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	tech := staffRec(t, app, "tech1@example.com")
	owner := residentRec(t, app, "owner1@example.com")
	k := newBrowserKeys(t)

	mine := subscribe(t, h, tech, "tech1@example.com", "https://push.example.com/send/tech1", k)
	subscribe(t, h, owner, "owner1@example.com", "https://push.example.com/send/owner1", newBrowserKeys(t))

	// Another's subscription can be neither made, read nor removed.
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/push_subscriptions/records",
		subscriptionBody(tech, "https://push.example.com/send/forged", k), "frontdesk@example.com")
	if code < 400 {
		t.Errorf("the front desk subscribed the technician: %d %s", code, body)
	}
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/push_subscriptions/records",
		subscriptionBody(tech, "https://push.example.com/send/forged2", k), "owner1@example.com")
	if code < 400 {
		t.Errorf("a resident subscribed a technician: %d %s", code, body)
	}
	for _, who := range []string{"supervisor@example.com", "director@example.com", "owner1@example.com"} {
		code, body = testapp.Do(t, h, http.MethodGet, "/api/collections/push_subscriptions/records", "", who)
		if code != 200 || strings.Contains(body, mine) {
			t.Errorf("%s lists the technician's subscription: %d %s", who, code, body)
		}
		code, _ = testapp.Do(t, h, http.MethodDelete, "/api/collections/push_subscriptions/records/"+mine, "", who)
		if code != 404 {
			t.Errorf("%s removed the technician's subscription: %d", who, code)
		}
	}
	code, body = testapp.Do(t, h, http.MethodGet, "/api/collections/push_subscriptions/records", "", "tech1@example.com")
	expectBody(t, "own list", code, body, 200, mine, `"totalItems":1`)
	// Nobody changes a subscription (turning pushes on again replaces it).
	code, _ = testapp.Do(t, h, http.MethodPatch, "/api/collections/push_subscriptions/records/"+mine, `{"failures":0}`, "tech1@example.com")
	if code < 400 {
		t.Errorf("a subscription was changed: %d", code)
	}

	// https on a public host only: an address inside the office's network
	// would let anyone signed in make the server post to it.
	for _, bad := range []string{"http://push.example.com/send/x", "ftp://push.example.com/x", "http://10.0.0.8/x", "javascript:alert(1)", "push.example.com/x",
		"https://10.0.0.8/x", "https://127.0.0.1:8090/api/x", "https://[::1]/x", "https://169.254.169.254/latest", "https://localhost/x", "http://127.0.0.1:9/push/loopback"} {
		code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/push_subscriptions/records", subscriptionBody(tech, bad, k), "tech1@example.com")
		expectBody(t, "endpoint "+bad, code, body, 400, "推送地址必须是 https 地址")
	}
	// A test's own push service on loopback, with the tests' switch on.
	t.Setenv("WUYE_PUSH_LOOPBACK", "1")
	subscribe(t, h, tech, "tech1@example.com", "http://127.0.0.1:9/push/loopback", newBrowserKeys(t))
	// Keys that are no P-256 key or no 16-byte secret.
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/push_subscriptions/records",
		`{"recipient_staff":"`+tech.Id+`","endpoint":"https://push.example.com/k","p256dh":"AAAA","auth":"`+k.authKey()+`"}`, "tech1@example.com")
	expectBody(t, "bad p256dh", code, body, 400, "密钥不正确")

	// The same browser turned on by the next person who uses it is theirs.
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/push_subscriptions/records",
		subscriptionBody(staffRec(t, app, "frontdesk@example.com"), "https://push.example.com/send/tech1", newBrowserKeys(t)), "frontdesk@example.com")
	expectBody(t, "the same browser, another person", code, body, 200)
	if _, err := app.FindRecordById("push_subscriptions", mine); err == nil {
		t.Error("the browser's former subscription is still there")
	}

	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/push/key", "", "tech1@example.com")
	key, _ := hooks.VAPIDPublicKey(app)
	expectBody(t, "the VAPID key", code, body, 200, key)
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/wuye/push/key", "", ""); code != 401 {
		t.Errorf("the key to a stranger: %d", code)
	}
}

// The push: one delivery per browser, sent to the push service encrypted
// for that browser and signed with the installation's VAPID key, carrying
// the notification's title and body and the record's page; an urgent
// repair's goes with urgency high ([004] 三 7.6: 急修 is attended at once).
func TestWebPushPayloadOnePerBrowser(t *testing.T) {
	app := testapp.New(t)
	atClock(t, noon)
	h := testapp.Handler(t, app)
	svc := newPushService(t)
	tech := staffRec(t, app, "tech1@example.com")
	phone, desk := newBrowserKeys(t), newBrowserKeys(t)
	phoneID := subscribe(t, h, tech, "tech1@example.com", svc.URL+"/push/phone", phone)
	subscribe(t, h, tech, "tech1@example.com", svc.URL+"/push/desk", desk)

	o := fileOrder(t, app, residentRec(t, app, "owner1@example.com"), "1-101", "SN01", map[string]any{"urgency": "urgent"})
	ds := notifyWith(t, app, hooks.Notice{Recipient: tech, Kind: "order_dispatched", Title: "新派工单", Body: "1-101 急修：漏水", Subject: o}, "webpush")
	if len(ds) != 2 {
		t.Fatalf("%d webpush deliveries for two browsers", len(ds))
	}
	for _, d := range ds {
		if !d.GetBool("urgent") || d.GetString("status") != "pending" || !strings.HasPrefix(d.GetString("to"), "127.0.0.1:") {
			t.Errorf("delivery %v", d.FieldsData())
		}
	}
	if n, err := hooks.SendDueDeliveries(app, noon); err != nil || n != 2 || svc.count() != 2 {
		t.Fatalf("sent %d (%v), the push service got %d", n, err, svc.count())
	}
	var got pushRequest
	for _, r := range svc.received {
		if r.path == "/push/phone" {
			got = r
		}
	}
	var p struct{ Title, Body, Link, Tag string }
	if err := json.Unmarshal(phone.decrypt(t, got.body), &p); err != nil {
		t.Fatal(err)
	}
	if p.Title != "新派工单" || p.Body != "1-101 急修：漏水" || p.Link != "/staff/#/field/"+o.Id || p.Tag == "" {
		t.Errorf("payload %+v", p)
	}
	if got.header.Get("Urgency") != "high" || got.header.Get("TTL") != "86400" || got.header.Get("Content-Encoding") != "aes128gcm" {
		t.Errorf("headers %v", got.header)
	}
	// VAPID (RFC 8292): a JWT for the push service's origin, signed with
	// the key the pages subscribe with.
	key, _ := hooks.VAPIDPublicKey(app)
	auth := got.header.Get("Authorization")
	if !strings.HasPrefix(auth, "vapid t=") || !strings.HasSuffix(auth, ", k="+key) {
		t.Fatalf("authorization %q", auth)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(key)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Parse(strings.TrimSuffix(strings.TrimPrefix(auth, "vapid t="), ", k="+key), func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"ES256"}))
	if err != nil {
		t.Fatalf("VAPID token: %v", err)
	}
	if aud, _ := tok.Claims.GetAudience(); len(aud) != 1 || aud[0] != svc.URL {
		t.Errorf("audience %v, want %s", aud, svc.URL)
	}
	if sub, _ := tok.Claims.GetSubject(); !strings.HasPrefix(sub, "mailto:") {
		t.Errorf("subject %q", sub)
	}
	s, _ := app.FindRecordById("push_subscriptions", phoneID)
	if s.GetDateTime("last_success").IsZero() {
		t.Error("last_success not stamped")
	}

	// A resident's push opens the portal's page of the record, at normal urgency.
	owner := residentRec(t, app, "owner1@example.com")
	ok := newBrowserKeys(t)
	subscribe(t, h, owner, "owner1@example.com", svc.URL+"/push/owner", ok)
	plain := fileOrder(t, app, owner, "1-101", "SN01", nil)
	if _, err := app.DB().NewQuery("DELETE FROM notification_preferences").Execute(); err != nil {
		t.Fatal(err)
	}
	if ds := notifyWith(t, app, hooks.Notice{Recipient: owner, Kind: "quote_to_confirm", Title: "报价待确认", Body: "请确认", Subject: plain}, "webpush"); len(ds) != 1 {
		t.Fatalf("%d deliveries to the resident's browser", len(ds))
	}
	if _, err := hooks.SendDueDeliveries(app, noon); err != nil {
		t.Fatal(err)
	}
	last := svc.last()
	if err := json.Unmarshal(ok.decrypt(t, last.body), &p); err != nil || p.Link != "/#/repairs/"+plain.Id || last.header.Get("Urgency") != "normal" {
		t.Errorf("resident's push %+v %v (%v)", p, last.header, err)
	}
}

// The push service's 404/410 is the standard "gone": the browser dropped
// the subscription, so it is removed and the delivery fails at once; any
// other error is retried with the outbox's back-off.
func TestWebPushGoneRemovesOtherErrorsRetry(t *testing.T) {
	app := testapp.New(t)
	atClock(t, noon)
	h := testapp.Handler(t, app)
	svc := newPushService(t)
	tech := staffRec(t, app, "tech1@example.com")
	id := subscribe(t, h, tech, "tech1@example.com", svc.URL+"/push/a", newBrowserKeys(t))

	svc.status = http.StatusInternalServerError
	d := notifyWith(t, app, hooks.Notice{Recipient: tech, Kind: "probe", Title: "通知", Body: "内容"}, "webpush")[0]
	if ok, err := hooks.SendDelivery(app, d.Id, noon); ok || err == nil {
		t.Fatalf("a 500 counted as sent: %v %v", ok, err)
	}
	r, _ := app.FindRecordById("deliveries", d.Id)
	if r.GetString("status") != "pending" || !r.GetDateTime("next_attempt_at").Time().Equal(noon.Add(outbox.Backoff(1))) || !strings.Contains(r.GetString("last_error"), "500") {
		t.Fatalf("after a 500: %v", r.FieldsData())
	}
	s, err := app.FindRecordById("push_subscriptions", id)
	if err != nil || s.GetInt("failures") != 1 {
		t.Fatalf("after a 500 the subscription: %v %v", s, err)
	}

	svc.status = http.StatusGone
	if ok, err := hooks.SendDelivery(app, d.Id, noon.Add(outbox.Backoff(1))); ok || err == nil {
		t.Fatalf("a 410 counted as sent: %v %v", ok, err)
	}
	r, _ = app.FindRecordById("deliveries", d.Id)
	if r.GetString("status") != "failed" || r.GetInt("attempts") != 2 || !strings.Contains(r.GetString("last_error"), "410") {
		t.Errorf("after a 410: %v", r.FieldsData())
	}
	if _, err := app.FindRecordById("push_subscriptions", id); err == nil {
		t.Error("a gone subscription is kept")
	}
	// Nothing more goes to it, and nobody without a browser gets a delivery.
	if ds := notifyWith(t, app, hooks.Notice{Recipient: tech, Kind: "probe", Title: "再次通知"}, "webpush"); len(ds) != 0 {
		t.Errorf("%d deliveries to a removed subscription", len(ds))
	}

	id = subscribe(t, h, tech, "tech1@example.com", svc.URL+"/push/b", newBrowserKeys(t))
	svc.status = http.StatusNotFound
	d = notifyWith(t, app, hooks.Notice{Recipient: tech, Kind: "probe", Title: "通知"}, "webpush")[0]
	_, _ = hooks.SendDelivery(app, d.Id, noon)
	if _, err := app.FindRecordById("push_subscriptions", id); err == nil {
		t.Error("a 404 subscription is kept")
	}
}

// Web Push keeps the preferences and the quiet hours as the other channels
// do: nothing between 22:00 and 08:00 but an urgent repair's or an
// incident's ([004] 三 7.6), and nothing to a person whose preferences
// leave it out.
func TestWebPushQuietHoursAndPreferences(t *testing.T) {
	app := testapp.New(t)
	late := time.Date(2026, 12, 7, 23, 30, 0, 0, workcal.Shanghai)
	atClock(t, late)
	h := testapp.Handler(t, app)
	svc := newPushService(t)
	tech := staffRec(t, app, "tech1@example.com")
	subscribe(t, h, tech, "tech1@example.com", svc.URL+"/push/a", newBrowserKeys(t))

	d := notifyWith(t, app, hooks.Notice{Recipient: tech, Kind: "probe", Title: "夜间通知"}, "webpush")[0]
	morning := time.Date(2026, 12, 8, 8, 0, 0, 0, workcal.Shanghai)
	if !d.GetDateTime("next_attempt_at").Time().Equal(morning) {
		t.Fatalf("a night push is due %v, want %v", d.GetDateTime("next_attempt_at").Time(), morning)
	}
	if n, _ := hooks.SendDueDeliveries(app, late); n != 0 || svc.count() != 0 {
		t.Error("pushed in the quiet hours")
	}
	u := notifyWith(t, app, hooks.Notice{Recipient: tech, Kind: "probe", Title: "紧急", Urgent: true}, "webpush")[0]
	if !u.GetDateTime("next_attempt_at").Time().Equal(late) {
		t.Errorf("an urgent push waits until %v", u.GetDateTime("next_attempt_at").Time())
	}

	// Preferences without webpush: none.
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/notification_preferences/records",
		`{"recipient_staff":"`+tech.Id+`","channels":["email"]}`, "tech1@example.com")
	expectBody(t, "preferences", code, body, 200)
	if ds := notifyWith(t, app, hooks.Notice{Recipient: tech, Kind: "probe", Title: "不要推送", Urgent: true}, "webpush"); len(ds) != 0 {
		t.Errorf("pushed against the preferences: %d", len(ds))
	}
}
