#include "harness/kube/wire_bytes.h"

namespace kdrill::kube {
namespace {

thread_local WireBytes this_thread_bytes;

}  // namespace

WireBytes ThreadWireBytes() { return this_thread_bytes; }

void AddThreadWireBytes(WireBytes bytes) {
  this_thread_bytes.sent += bytes.sent;
  this_thread_bytes.received += bytes.received;
}

}  // namespace kdrill::kube
