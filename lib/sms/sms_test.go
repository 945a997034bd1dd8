package sms

import "testing"

func TestIsMobileAndMask(t *testing.T) {
	for n, want := range map[string]bool{"13800000001": true, "010-12345678": false, "1380000000": false, "23800000001": false, "": false} {
		if IsMobile(n) != want {
			t.Errorf("IsMobile(%q) = %v", n, !want)
		}
	}
	if got := Mask("13812345678"); got != "138****5678" {
		t.Errorf("Mask: %q", got)
	}
	if got := Mask("123"); got != "****" {
		t.Errorf("Mask short: %q", got)
	}
}
