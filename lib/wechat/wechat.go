// Package wechat is the seam between Wuye and WeChat subscription messages
// (订阅消息): the "wechat" channel of the notification outbox
// (hooks/base_channels.go). A real sender calls the official account's or
// mini program's subscribeMessage API with the office's template; the demo
// uses a sandbox that keeps each message where a tester can read it.
package wechat

import "context"

// Message is one subscription message to one subscriber.
type Message struct {
	OpenID   string            // the subscriber's openid for the office's app
	Template string            // what it is for (the notification's kind); a sender maps it to its template id
	Page     string            // the page of the app it opens (the record it is about)
	Data     map[string]string // the template's fields: title, body, time
}

// Sender delivers subscription messages through one WeChat app.
type Sender interface {
	Name() string
	Send(ctx context.Context, m Message) error
}
