package hooks

import (
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"
	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Web Push (docs/DESIGN.md § Notifications and deliveries): the field app
// and the portal are told of a notification while they are closed. A
// person turns pushes on in a browser (the preferences screen): the
// browser subscribes at its push service with the office's VAPID public
// key (GET /api/wuye/push/key) and the page saves the subscription in
// push_subscriptions. The outbox then writes one webpush delivery per
// subscription (each browser's push retried and logged on its own), and
// webpushChannel sends it: the payload (title, body, the record's page)
// encrypted for that browser (RFC 8291, aes128gcm) and signed with the
// VAPID key (RFC 8292) by github.com/SherClockHolmes/webpush-go. The push
// service's 404 or 410 means the browser dropped the subscription: the row
// is removed and the delivery fails without retries; any other error is
// retried with the outbox's back-off. The service worker (pb_public/sw.js)
// shows the notification and opens the page on a tap.
//
// The VAPID key pair is made once per installation, the first time it is
// needed, and kept in PocketBase's _params table (no API reads it; the
// backups carry it): a new key would orphan every subscription.

func init() {
	for code, t := range map[string]text{
		"wuye_push_endpoint":  {"推送地址必须是 https 地址（浏览器订阅推送时给出的地址）", "The push endpoint must be an https address (the one the browser gave when it subscribed)."},
		"wuye_push_keys":      {"推送订阅的密钥不正确，请在浏览器里重新开启推送", "The subscription's keys are not valid: turn push notifications on again in the browser."},
		"wuye_push_one_owner": {"推送订阅必须且只能属于一个人", "A push subscription belongs to exactly one person."},
	} {
		messages[code] = t
	}
}

const (
	// vapidParam is the _params row of the installation's VAPID keys.
	vapidParam = "wuye_vapid"
	// pushTTL is how long a push service keeps a push for a browser that is
	// offline: after a day the bell says it better.
	pushTTL = 24 * 60 * 60
	// pushBodyRunes bounds the body in a push (a push carries at most about
	// 4 KB; the bell has the whole text).
	pushBodyRunes = 200
)

type vapidKeyPair struct {
	Public  string `json:"public"`
	Private string `json:"private"`
}

// vapidKeys are the installation's VAPID keys, made and stored the first
// time they are asked for (two servers asking at once keep the first
// stored).
func vapidKeys(app core.App) (vapidKeyPair, error) {
	if k, ok := app.Store().Get("wuye_vapid_keys").(vapidKeyPair); ok {
		return k, nil
	}
	read := func() (vapidKeyPair, error) {
		var k vapidKeyPair
		var raw string
		err := app.DB().NewQuery("SELECT value FROM _params WHERE id = {:id}").Bind(dbx.Params{"id": vapidParam}).Row(&raw)
		if err == nil {
			err = json.Unmarshal([]byte(raw), &k)
		}
		return k, err
	}
	k, err := read()
	if err != nil || k.Public == "" || k.Private == "" {
		priv, pub, gerr := webpush.GenerateVAPIDKeys()
		if gerr != nil {
			return vapidKeyPair{}, gerr
		}
		raw, _ := json.Marshal(vapidKeyPair{Public: pub, Private: priv})
		if _, err := app.DB().NewQuery("INSERT INTO _params (id, value) VALUES ({:id}, {:v}) ON CONFLICT(id) DO NOTHING").
			Bind(dbx.Params{"id": vapidParam, "v": string(raw)}).Execute(); err != nil {
			return vapidKeyPair{}, fmt.Errorf("store VAPID keys: %w", err)
		}
		if k, err = read(); err != nil {
			return vapidKeyPair{}, fmt.Errorf("read VAPID keys: %w", err)
		}
		app.Logger().Info("VAPID keys made for Web Push")
	}
	app.Store().Set("wuye_vapid_keys", k)
	return k, nil
}

// VAPIDPublicKey is the installation's VAPID public key (base64url), for
// a test that checks a push's signature.
func VAPIDPublicKey(app core.App) (string, error) {
	k, err := vapidKeys(app)
	return k.Public, err
}

// pushEndpointOK: an endpoint is an https URL of a push service on the
// public internet. Push services are public hosts; an address inside the
// office's network (loopback, private, link-local) would let anyone signed
// in make the server post to it. WUYE_PUSH_LOOPBACK=1 — set by the tests
// alone — admits http on loopback, for a test's own push service.
func pushEndpointOK(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return false
	}
	host := u.Hostname()
	if testPushLoopback() && u.Scheme == "http" {
		ip := net.ParseIP(host)
		return host == "localhost" || ip != nil && ip.IsLoopback()
	}
	if u.Scheme != "https" || strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return false
	}
	if ip := net.ParseIP(host); ip != nil {
		return publicIP(ip)
	}
	return true
}

// testPushLoopback reports whether the tests' own loopback push service is
// admitted (WUYE_PUSH_LOOPBACK=1; never set in production).
func testPushLoopback() bool { return os.Getenv("WUYE_PUSH_LOOPBACK") == "1" }

// publicIP: ip is none of loopback, private, link-local, multicast or
// unspecified.
func publicIP(ip net.IP) bool {
	return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified())
}

// pushKeysOK: p256dh is a P-256 public key (65 bytes, uncompressed) and
// auth a 16-byte secret, both base64url as PushSubscription.toJSON gives.
func pushKeysOK(p256dh, auth string) bool {
	dec := func(s string) []byte {
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
		if err != nil {
			return nil
		}
		return b
	}
	pub := dec(p256dh)
	if _, err := ecdh.P256().NewPublicKey(pub); err != nil {
		return false
	}
	return len(dec(auth)) == 16
}

// pushOwnerField is the field of push_subscriptions (and of
// notification_preferences) that names the person.
func pushOwnerField(person *core.Record) string {
	if isResident(person) {
		return "recipient_resident"
	}
	return "recipient_staff"
}

// pushSubscriptionsOf are the person's subscriptions, oldest first.
func pushSubscriptionsOf(app core.App, person *core.Record) []*core.Record {
	rows, err := app.FindRecordsByFilter("push_subscriptions", pushOwnerField(person)+" = {:p}", "created", 0, 0, dbx.Params{"p": person.Id})
	if err != nil {
		return nil
	}
	return rows
}

// device is one of a person's addresses on a channel that reaches each of
// their devices: ID is its row (push_subscriptions), To what the log shows.
type device struct{ ID, To string }

// deviceChannel is a channel that writes one delivery per device.
type deviceChannel interface {
	// DevicesOf are the devices of each of people, by person id, read
	// for all of them at once (a fan-out batch asks for a hundred).
	DevicesOf(people []*core.Record) (map[string][]device, error)
}

// webpushChannel sends Web Push messages; always set up (the keys are made
// on demand), it writes nothing for a person without subscriptions.
type webpushChannel struct{ app core.App }

func (webpushChannel) Name() string  { return "webpush" }
func (webpushChannel) Enabled() bool { return true }

func (c webpushChannel) Address(r, _ *core.Record) string {
	if subs := pushSubscriptionsOf(c.app, r); len(subs) > 0 {
		return subs[0].Id
	}
	return ""
}

// DevicesOf reads the subscriptions of people with one IN query for each
// kind of person among them (residents, staff), each person's oldest
// first.
func (c webpushChannel) DevicesOf(people []*core.Record) (map[string][]device, error) {
	out := map[string][]device{}
	for _, field := range []string{"recipient_resident", "recipient_staff"} {
		var ids []any
		for _, p := range people {
			if pushOwnerField(p) == field {
				ids = append(ids, p.Id)
			}
		}
		if len(ids) == 0 {
			continue
		}
		var rows []struct {
			ID       string `db:"id"`
			Endpoint string `db:"endpoint"`
			Owner    string `db:"owner"`
		}
		if err := c.app.DB().Select("id", "endpoint", field+" AS owner").From("push_subscriptions").
			Where(dbx.In(field, ids...)).OrderBy("created", "id").All(&rows); err != nil {
			return nil, fmt.Errorf("push subscriptions: %w", err)
		}
		for _, r := range rows {
			host := ""
			if u, err := url.Parse(r.Endpoint); err == nil {
				host = u.Host
			}
			out[r.Owner] = append(out[r.Owner], device{ID: r.ID, To: shorten(host, 90)})
		}
	}
	return out, nil
}

// pushPayload is what the service worker receives: the notification's own
// title and body, and the page of its record.
type pushPayload struct {
	Title  string `json:"title"`
	Body   string `json:"body"`
	Link   string `json:"link"`
	Tag    string `json:"tag"`
	Urgent bool   `json:"urgent,omitempty"`
}

// pushClient posts to push services: no redirects followed (a push
// service answers, it does not send elsewhere), and no connection to an
// address inside the office's network, whatever a host name resolves to
// (pushEndpointOK checks the URL; this checks where it leads).
var pushClient = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport: &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{Timeout: 10 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !publicIP(ip) && !(testPushLoopback() && ip.IsLoopback()) {
				return fmt.Errorf("push service address %s is not public", host)
			}
			return nil
		}}).DialContext,
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 4,
	},
}

func (c webpushChannel) Send(ctx context.Context, d Delivery) error {
	if d.Device == "" {
		return permanent(errors.New("no push subscription"))
	}
	sub, err := c.app.FindRecordById("push_subscriptions", d.Device)
	if err != nil {
		return permanent(errors.New("push subscription removed"))
	}
	keys, err := vapidKeys(c.app)
	if err != nil {
		return err
	}
	payload, _ := json.Marshal(pushPayload{Title: d.Title, Body: shorten(d.Body, pushBodyRunes),
		Link: pushLink(d.Recipient, d.SubjectCollection, d.SubjectID), Tag: d.NotificationID, Urgent: d.Urgent})
	urgency := webpush.UrgencyNormal
	if d.Urgent {
		urgency = webpush.UrgencyHigh
	}
	subject := c.app.Settings().Meta.SenderAddress
	if subject == "" {
		subject = "noreply@example.com"
	}
	res, err := webpush.SendNotificationWithContext(ctx, payload, &webpush.Subscription{
		Endpoint: sub.GetString("endpoint"),
		Keys:     webpush.Keys{P256dh: sub.GetString("p256dh"), Auth: sub.GetString("auth")},
	}, &webpush.Options{
		HTTPClient: pushClient, Subscriber: subject, TTL: pushTTL, Urgency: urgency,
		VAPIDPublicKey: keys.Public, VAPIDPrivateKey: keys.Private,
	})
	if err != nil {
		pushFailed(c.app, sub)
		return fmt.Errorf("push: %w", err)
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 300))
	return pushAnswered(c.app, sub, res.StatusCode, strings.TrimSpace(string(msg)))
}

// pushAnswered records the push service's answer: 2xx sent; 404 or 410
// the standard "gone" — the browser dropped the subscription (notifications
// turned off, or it expired), so the row is removed and the delivery fails
// without retries; anything else counts a failure and is retried by the
// outbox.
func pushAnswered(app core.App, sub *core.Record, status int, msg string) error {
	switch {
	case status >= 200 && status < 300:
		_, err := app.DB().NewQuery("UPDATE push_subscriptions SET last_success = {:now}, failures = 0 WHERE id = {:id}").
			Bind(dbx.Params{"id": sub.Id, "now": dbStamp(now())}).Execute()
		if err != nil {
			app.Logger().Warn("push subscription not updated", "subscription", sub.Id, "error", err)
		}
		return nil
	case status == http.StatusNotFound || status == http.StatusGone:
		if err := app.Delete(sub); err != nil {
			app.Logger().Warn("gone push subscription not removed", "subscription", sub.Id, "error", err)
		}
		return permanent(fmt.Errorf("push service: %d, subscription gone and removed", status))
	}
	pushFailed(app, sub)
	return fmt.Errorf("push service: %d %s", status, msg)
}

func pushFailed(app core.App, sub *core.Record) {
	if _, err := app.DB().NewQuery("UPDATE push_subscriptions SET failures = failures + 1 WHERE id = {:id}").
		Bind(dbx.Params{"id": sub.Id}).Execute(); err != nil {
		app.Logger().Warn("push subscription not updated", "subscription", sub.Id, "error", err)
	}
}

// staffPushPaths are the staff workspace's pages of a record
// (pb_public/js/staff/main.js, staffLink), by collection.
var staffPushPaths = map[string]string{
	"complaints": "/complaints/", "work_orders": "/orders/", "renovations": "/renovations/", "move_outs": "/move-outs/",
	"move_ins": "/move-ins/", "incidents": "/incidents", "key_loans": "/keys", "keys": "/keys", "shift_handovers": "/handover",
	"visits": "/visits", "parcels": "/registers", "notices": "/notices", "surveys": "/surveys", "activities": "/activities",
	"patrol_tasks": "/rounds", "vacancy_patrols": "/rounds", "arrears_visits": "/rounds", "meter_readings": "/meters",
}

// pushLink is the page a push opens, from the site's root: the record's
// page in the portal or the staff workspace (a technician's order in the
// field app), else the app's home.
func pushLink(recipient *core.Record, collection, id string) string {
	if isResident(recipient) {
		if l := linkOf(recipient, collection, id); l != "" {
			return "/" + l
		}
		return "/"
	}
	p, ok := staffPushPaths[collection]
	if !ok {
		return "/staff/"
	}
	if collection == "work_orders" && recipient.GetString("role") == "technician" {
		p = "/field/"
	}
	if strings.HasSuffix(p, "/") {
		p += id
	}
	return "/staff/#" + p
}

func registerWebPush(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/push/key", func(e *core.RequestEvent) error {
			k, err := vapidKeys(e.App)
			if err != nil {
				return err
			}
			return e.JSON(http.StatusOK, map[string]string{"key": k.Public})
		}).Bind(apis.RequireAuth("staff", "residents"))
		return se.Next()
	})

	app.OnRecordCreateRequest("push_subscriptions").BindFunc(replaceBrowserSubscription)
	app.OnRecordValidate("push_subscriptions").BindFunc(checkPushSubscription)
}

// replaceBrowserSubscription: a new subscription is its browser's, so a row
// of the same endpoint (the same browser, turned on by whoever used it
// before) is replaced in the same transaction; the counters start afresh
// and the user agent is the request's unless the page gave one.
func replaceBrowserSubscription(e *core.RecordRequestEvent) error {
	e.Record.Set("failures", 0)
	e.Record.Set("last_success", "")
	if e.Record.GetString("user_agent") == "" {
		e.Record.Set("user_agent", shorten(e.Request.UserAgent(), 290))
	}
	return inTxAround(e, func(tx core.App) error {
		old, err := tx.FindFirstRecordByData("push_subscriptions", "endpoint", e.Record.GetString("endpoint"))
		if err == nil {
			return tx.Delete(old)
		}
		return nil
	}, nil)
}

// checkPushSubscription: one owner; an https endpoint (http on loopback
// only: a test's push service); keys a browser could have made.
func checkPushSubscription(e *core.RecordEvent) error {
	r := e.Record
	if (r.GetString("recipient_staff") == "") == (r.GetString("recipient_resident") == "") {
		return badRequest(validation.Errors{"recipient_staff": codedError("wuye_push_one_owner")})
	}
	if !pushEndpointOK(r.GetString("endpoint")) {
		return badRequest(validation.Errors{"endpoint": codedError("wuye_push_endpoint")})
	}
	if !pushKeysOK(r.GetString("p256dh"), r.GetString("auth")) {
		return badRequest(validation.Errors{"p256dh": codedError("wuye_push_keys")})
	}
	return e.Next()
}
