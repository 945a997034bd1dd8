// Package sms is the seam between Wuye and a text-message provider: the
// "sms" channel of the notification outbox (the `deliveries` collection,
// hooks/base_channels.go) and the one-time codes of a phone-number change. A real provider (an
// operator's or a cloud SMS gateway, with its signed templates) implements
// Sender; the demo uses a sandbox that keeps each message where a tester
// can read it instead of sending it (hooks/base_channels.go).
package sms

import (
	"context"
	"regexp"
)

// Message is one text message to one mobile number.
type Message struct {
	To      string // a mainland mobile number, 11 digits
	Text    string // the whole text, signature included
	Purpose string // what it is for, e.g. "phone_change" (a provider may pick a template by it)
	// Params are the template's variables for a template-SMS API (the
	// notification's title and link); a provider that sends Text whole
	// ignores them.
	Params map[string]string
}

// Sender delivers text messages through one provider.
type Sender interface {
	// Name identifies the provider in logs and delivery records.
	Name() string
	// Send hands m to the provider; an error means it was not accepted
	// (the caller may retry; the message may or may not arrive otherwise).
	Send(ctx context.Context, m Message) error
}

var mobile = regexp.MustCompile(`^1\d{10}$`)

// IsMobile reports whether number can receive a text message (a mainland
// mobile number; landlines cannot).
func IsMobile(number string) bool { return mobile.MatchString(number) }

// Mask shows a number as 138****0000, for logs and messages that must not
// carry the whole of it.
func Mask(number string) string {
	if len(number) < 7 {
		return "****"
	}
	return number[:3] + "****" + number[len(number)-4:]
}
