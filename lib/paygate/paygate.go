// Package paygate is the seam between Wuye and online payment providers
// (WeChat Pay, Alipay): Wuye asks a provider to collect an order and later
// receives the provider's signed notification that it was paid. A real
// provider implements Provider with its own signing scheme; Sandbox
// implements it with HMAC-SHA256 so the whole path can be exercised without
// a network.
package paygate

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// Order is what Wuye asks a provider to collect.
type Order struct {
	TradeNo   string `json:"trade_no"` // Wuye's order number, unique
	AmountFen int64  `json:"amount_fen"`
	Subject   string `json:"subject"`
}

// Notification is a provider's word that an order was paid.
type Notification struct {
	TradeNo       string `json:"trade_no"`
	ProviderTxnID string `json:"provider_txn_id"`
	AmountFen     int64  `json:"amount_fen"`
	PaidAt        string `json:"paid_at"` // RFC 3339
}

// Provider is an online payment provider.
type Provider interface {
	// Name is the payment method it stands for ("wechat", "alipay").
	Name() string
	// Prepare returns what the resident's page needs to pay the order (a
	// pay URL, QR code content or SDK parameters).
	Prepare(o Order) (map[string]string, error)
	// Verify checks a callback's body and signature and reads it.
	Verify(body []byte, signature string) (Notification, error)
}

// ErrBadSignature is returned for a callback that was not signed by the
// provider: it must change nothing.
var ErrBadSignature = errors.New("paygate: bad signature")

// Sandbox is a provider for tests and the demo: orders are "paid" by
// whoever holds the secret and signs a notification with it.
type Sandbox struct {
	Method string // "wechat" or "alipay"
	Secret []byte
	Book   *Book // what it notified, for its statement; nil keeps none
}

func (s Sandbox) Name() string { return s.Method }

func (s Sandbox) Prepare(o Order) (map[string]string, error) {
	if o.TradeNo == "" || o.AmountFen <= 0 {
		return nil, fmt.Errorf("paygate: order %q of %d fen cannot be paid", o.TradeNo, o.AmountFen)
	}
	return map[string]string{
		"provider": s.Method, "trade_no": o.TradeNo, "amount_fen": fmt.Sprint(o.AmountFen),
		"pay_url": "sandbox://" + s.Method + "/pay?trade_no=" + o.TradeNo,
	}, nil
}

// Sign returns a notification body and its signature, as the provider
// would send them.
func (s Sandbox) Sign(n Notification) ([]byte, string) {
	if s.Book != nil {
		s.Book.Add(n)
	}
	body, _ := json.Marshal(n)
	mac := hmac.New(sha256.New, s.Secret)
	mac.Write(body)
	return body, hex.EncodeToString(mac.Sum(nil))
}

func (s Sandbox) Verify(body []byte, signature string) (Notification, error) {
	mac := hmac.New(sha256.New, s.Secret)
	mac.Write(body)
	want := mac.Sum(nil)
	got, err := hex.DecodeString(signature)
	if err != nil || !hmac.Equal(got, want) {
		return Notification{}, ErrBadSignature
	}
	var n Notification
	if err := json.Unmarshal(body, &n); err != nil || n.TradeNo == "" {
		return Notification{}, fmt.Errorf("paygate: unreadable notification: %w", err)
	}
	return n, nil
}
