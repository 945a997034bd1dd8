package paygate

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestSandboxSignsAndVerifies(t *testing.T) {
	s := Sandbox{Method: "wechat", Secret: []byte("test-secret")}
	n := Notification{TradeNo: "OP-1", ProviderTxnID: "wx-42", AmountFen: 12345, PaidAt: "2026-11-23T10:00:00+08:00"}
	body, sig := s.Sign(n)
	got, err := s.Verify(body, sig)
	if err != nil || got != n {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
	tampered := []byte(string(body[:len(body)-2]) + "9}")
	if _, err := s.Verify(tampered, sig); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("a tampered body verified: %v", err)
	}
	other := Sandbox{Method: "wechat", Secret: []byte("another")}
	if _, err := other.Verify(body, sig); !errors.Is(err, ErrBadSignature) {
		t.Fatal("another key verified the signature")
	}
	if _, err := s.Verify(body, "zz"); !errors.Is(err, ErrBadSignature) {
		t.Fatal("a malformed signature verified")
	}
	if _, err := s.Prepare(Order{TradeNo: "OP-1", AmountFen: 0}); err == nil {
		t.Fatal("an order of nothing was prepared")
	}
}

// FuzzVerify: nothing verifies unless its signature is the key's HMAC of
// exactly that body.
func FuzzVerify(f *testing.F) {
	s := Sandbox{Method: "alipay", Secret: []byte("k")}
	body, sig := s.Sign(Notification{TradeNo: "OP-1", AmountFen: 1})
	f.Add(body, sig)
	f.Add(body, strings.ToUpper(sig))
	f.Add([]byte(`{"trade_no":"x"}`), sig)
	f.Fuzz(func(t *testing.T, body []byte, sig string) {
		if _, err := s.Verify(body, sig); err != nil {
			return
		}
		mac := hmac.New(sha256.New, s.Secret)
		mac.Write(body)
		if !strings.EqualFold(sig, hex.EncodeToString(mac.Sum(nil))) {
			t.Fatalf("%q verified with a signature that is not its HMAC", body)
		}
	})
}
