// Package faults holds end-to-end fault and concurrency tests of the real
// wuye binary (issue #11). The binary is built once (or taken from
// WUYE_BIN), run as a subprocess with the demo community on a loopback
// port, and:
//
//   - killed with SIGKILL in the middle of a billing run, a burst of
//     payments and a burst of dispatches, restarted, and its data directory
//     checked: no acknowledged write lost, no partial batch, no duplicate,
//     gap-free serials, every change with its event, PRAGMA
//     integrity_check ok (faults_test.go);
//   - raced with simultaneous identical requests (payment of a whole
//     balance, reversal, billing-run start, pool claim, key loan and
//     return, hot-work review and approval, payment against discount),
//     where exactly one may succeed and take effect (races_test.go).
//
// jobs_test.go runs the scheduled jobs (arrears reminders, late fees,
// late-reply flags) in process against a write that is under way, which
// no HTTP request can time. The tests skip under -short.
package faults
