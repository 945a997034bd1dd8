package hooks

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"

	"wuye/lib/sms"
	"wuye/lib/wechat"
)

// The outbound channels of the notification outbox (docs/DESIGN.md
// § Notifications and deliveries): one seam, Channel, behind which the app
// itself (inapp), e-mail (PocketBase's mailer and SMTP settings), text
// messages (lib/sms: a provider of the template-SMS APIs offices use),
// WeChat subscription messages (lib/wechat) and Web Push (base_webpush.go:
// each browser a person turned pushes on in, one delivery per browser)
// each send one delivery.

// Delivery is what a channel sends: one notification to one person.
type Delivery struct {
	ID        string
	Kind      string
	Title     string
	Body      string
	Link      string       // the record it is about, as a path of the page (#/repairs/<id>)
	Recipient *core.Record // the staff member or resident
	Prefs     *core.Record // their notification_preferences, or nil
	Urgent    bool         // an urgent repair's or an incident's

	NotificationID    string // the notification sent
	SubjectCollection string // the record it is about
	SubjectID         string
	Device            string // a device channel's address of this delivery (webpush: the push_subscriptions row)
}

// permanentError is a send that can never succeed (a push subscription its
// push service calls gone): the delivery fails at once, without retries.
type permanentError struct{ error }

func (p permanentError) Unwrap() error { return p.error }

func permanent(err error) error { return permanentError{err} }

// Channel is one way of reaching a person.
type Channel interface {
	// Name is the channel's code in deliveries.channel.
	Name() string
	// Enabled reports whether the office has set the channel up (an SMTP
	// server, an SMS or WeChat provider).
	Enabled() bool
	// Address is where d's recipient is reached on this channel ("" when
	// they cannot be: no e-mail, no mobile number, no WeChat openid).
	Address(recipient, prefs *core.Record) string
	// Send hands d to the channel; an error means it should be tried again.
	Send(ctx context.Context, d Delivery) error
}

// channels lists the app's channels, the app itself first.
func channels(app core.App) []Channel {
	return []Channel{inappChannel{}, emailChannel{app}, smsChannelOf(app), wechatChannel{app}, webpushChannel{app}}
}

// channelByName is the channel called name, or nil.
func channelByName(app core.App, name string) Channel {
	for _, c := range channels(app) {
		if c.Name() == name {
			return c
		}
	}
	return nil
}

// inappChannel is the notification itself: the bell shows it the moment
// it is written, so its delivery is sent at once.
type inappChannel struct{}

func (inappChannel) Name() string                         { return "inapp" }
func (inappChannel) Enabled() bool                        { return true }
func (inappChannel) Address(r, _ *core.Record) string     { return r.Id }
func (inappChannel) Send(context.Context, Delivery) error { return nil }

// emailChannel sends through PocketBase's mailer with the SMTP settings of
// the admin dashboard; it is enabled once SMTP is.
type emailChannel struct{ app core.App }

func (emailChannel) Name() string    { return "email" }
func (c emailChannel) Enabled() bool { return c.app.Settings().SMTP.Enabled }
func (emailChannel) Address(r, _ *core.Record) string {
	if a := r.GetString("email"); a != "" {
		if _, err := mail.ParseAddress(a); err == nil {
			return a
		}
	}
	return ""
}

func (c emailChannel) Send(_ context.Context, d Delivery) error {
	to := c.Address(d.Recipient, d.Prefs)
	if to == "" {
		return errors.New("no e-mail address")
	}
	meta := c.app.Settings().Meta
	body := "<p>" + htmlEscape(d.Body) + "</p>"
	if d.Link != "" && meta.AppURL != "" {
		href := strings.TrimRight(meta.AppURL, "/") + "/" + d.Link
		body += fmt.Sprintf(`<p><a href="%s">查看详情 View</a></p>`, htmlEscape(href))
	}
	return c.app.NewMailClient().Send(&mailer.Message{
		From:    mail.Address{Name: meta.SenderName, Address: meta.SenderAddress},
		To:      []mail.Address{{Name: d.Recipient.GetString("name"), Address: to}},
		Subject: d.Title,
		HTML:    "<p><b>" + htmlEscape(d.Title) + "</b></p>" + body,
		Text:    d.Title + "\n" + d.Body,
	})
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// smsChannel sends text messages through the office's provider. It is
// enabled for notifications once a provider is set (SetSMSSender; the demo
// sets the sandbox, EnableSandboxChannels). The one-time codes of a phone
// change go through SendNow, which without a provider keeps them in the
// sandbox (a production server without one sends nothing anyone but its
// administrators can read).
type smsChannel struct{ app core.App }

func smsChannelOf(app core.App) smsChannel { return smsChannel{app} }

// SetSMSSender makes s the app's SMS provider.
func SetSMSSender(app core.App, s sms.Sender) { app.Store().Set("wuye_sms_sender", s) }

func (c smsChannel) configured() (sms.Sender, bool) {
	s, ok := c.app.Store().Get("wuye_sms_sender").(sms.Sender)
	return s, ok && s != nil
}

func (c smsChannel) sender() sms.Sender {
	if s, ok := c.configured(); ok {
		return s
	}
	return sandboxSMS(c)
}

func (smsChannel) Name() string { return "sms" }
func (c smsChannel) Enabled() bool {
	_, ok := c.configured()
	return ok
}
func (smsChannel) Address(r, _ *core.Record) string {
	if p := r.GetString("phone"); sms.IsMobile(p) {
		return p
	}
	return ""
}

func (c smsChannel) Send(ctx context.Context, d Delivery) error {
	to := c.Address(d.Recipient, d.Prefs)
	if to == "" {
		return errors.New("no mobile number")
	}
	text := "【物业客服中心】" + d.Title
	if d.Body != "" {
		text += "：" + shorten(d.Body, 60)
	}
	return c.sender().Send(ctx, sms.Message{To: to, Text: text, Purpose: d.Kind,
		Params: map[string]string{"title": d.Title, "link": d.Link}})
}

// SendNow sends m at once (the codes of a phone change).
func (c smsChannel) SendNow(ctx context.Context, m sms.Message) error { return c.sender().Send(ctx, m) }

// sandboxSMS keeps each message in sms_sandbox instead of sending it, and
// logs that it did (without the text: it may carry a code).
type sandboxSMS struct{ app core.App }

func (s sandboxSMS) Name() string { return "sandbox" }

func (s sandboxSMS) Send(_ context.Context, m sms.Message) error {
	col, err := s.app.FindCachedCollectionByNameOrId("sms_sandbox")
	if err != nil {
		return err
	}
	r := core.NewRecord(col)
	r.Set("to", m.To)
	r.Set("text", m.Text)
	r.Set("purpose", m.Purpose)
	if err := s.app.Save(r); err != nil {
		return err
	}
	s.app.Logger().Info("sandbox SMS kept in sms_sandbox instead of sent", "to", sms.Mask(m.To), "purpose", m.Purpose)
	return nil
}

// wechatChannel sends WeChat subscription messages to the openid a person
// gave in their preferences; enabled once a sender is set.
type wechatChannel struct{ app core.App }

// SetWeChatSender makes s the app's WeChat subscription-message sender.
func SetWeChatSender(app core.App, s wechat.Sender) { app.Store().Set("wuye_wechat_sender", s) }

func (c wechatChannel) sender() wechat.Sender {
	s, _ := c.app.Store().Get("wuye_wechat_sender").(wechat.Sender)
	return s
}

func (wechatChannel) Name() string    { return "wechat" }
func (c wechatChannel) Enabled() bool { return c.sender() != nil }
func (wechatChannel) Address(_, prefs *core.Record) string {
	if prefs == nil {
		return ""
	}
	return prefs.GetString("wechat_openid")
}

func (c wechatChannel) Send(ctx context.Context, d Delivery) error {
	s := c.sender()
	if s == nil {
		return errors.New("no WeChat sender")
	}
	to := c.Address(d.Recipient, d.Prefs)
	if to == "" {
		return errors.New("no WeChat openid")
	}
	return s.Send(ctx, wechat.Message{OpenID: to, Template: d.Kind, Page: d.Link,
		Data: map[string]string{"title": d.Title, "body": shorten(d.Body, 20), "time": dayOf(now())}})
}

// sandboxWeChat keeps each message in wechat_sandbox instead of sending it.
type sandboxWeChat struct{ app core.App }

func (sandboxWeChat) Name() string { return "sandbox" }

func (s sandboxWeChat) Send(_ context.Context, m wechat.Message) error {
	col, err := s.app.FindCachedCollectionByNameOrId("wechat_sandbox")
	if err != nil {
		return err
	}
	r := core.NewRecord(col)
	r.Set("openid", m.OpenID)
	r.Set("template", m.Template)
	r.Set("page", m.Page)
	r.Set("data", m.Data)
	return s.app.Save(r)
}

// EnableSandboxChannels turns on the SMS and WeChat channels with their
// sandboxes (messages are kept in sms_sandbox and wechat_sandbox for a
// tester to read in the admin dashboard).
func EnableSandboxChannels(app core.App) {
	SetSMSSender(app, sandboxSMS{app})
	SetWeChatSender(app, sandboxWeChat{app})
}

// SandboxSMS is the SMS sandbox of app, for a caller that wraps it (the
// demo's provider that refuses a suspended number).
func SandboxSMS(app core.App) sms.Sender { return sandboxSMS{app} }

// providerName names the sender of a channel in the delivery log.
func providerName(c Channel) string {
	switch ch := c.(type) {
	case smsChannel:
		return ch.sender().Name()
	case wechatChannel:
		if s := ch.sender(); s != nil {
			return s.Name()
		}
	case emailChannel:
		return "smtp"
	case webpushChannel:
		return "webpush"
	}
	return ""
}
