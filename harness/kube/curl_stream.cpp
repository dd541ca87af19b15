// CurlTransport::Stream (curl_transport.h): one exchange whose 2xx body goes
// to the handler as it arrives. It runs on its own multi handle, polled at
// least once a second, and a stop request wakes the poll at once; a transfer
// that ends without libcurl's DONE message is a receive error (or cancelled,
// when a stop was requested). The outcome is read by Finish (curl_result.cpp).
#include "harness/kube/curl_transport.h"

#include <stop_token>

#include <curl/curl.h>

#include "harness/kube/curl_exchange.h"

namespace kdrill::kube {

Result<HttpResponse> CurlTransport::Stream(const HttpRequest& request,
                                           const BodyChunkHandler& on_chunk,
                                           std::stop_token stop) {
  void* handle = AcquireHandle();
  if (handle == nullptr) {
    return MakeError(ErrorCode::kInternal, "curl_easy_init failed");
  }
  CURL* easy = static_cast<CURL*>(handle);
  CURLM* multi = curl_multi_init();
  if (multi == nullptr) {
    ReleaseHandle(handle);
    return MakeError(ErrorCode::kInternal, "curl_multi_init failed");
  }
  Result<HttpResponse> result;
  {
    Exchange ex;
    ex.stop = stop;
    ex.on_chunk = &on_chunk;
    Status configured = Configure(handle, request, ex);
    if (!configured) {
      result = std::unexpected(configured.error());
    } else {
      curl_multi_add_handle(multi, easy);
      bool done = false;
      CURLcode code = CURLE_OK;
      {
        std::stop_callback wake(stop, [multi] { curl_multi_wakeup(multi); });
        while (!stop.stop_requested()) {
          int running = 0;
          if (curl_multi_perform(multi, &running) != CURLM_OK) {
            break;
          }
          int queued = 0;
          while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
            if (msg->msg == CURLMSG_DONE) {
              done = true;
              code = msg->data.result;
            }
          }
          if (done || running == 0) {
            break;
          }
          curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
        }
      }
      curl_multi_remove_handle(multi, easy);
      if (!done) {
        code = stop.stop_requested() ? CURLE_ABORTED_BY_CALLBACK : CURLE_RECV_ERROR;
      }
      result = Finish(code, request, ex);
    }
  }
  curl_multi_cleanup(multi);
  ReleaseHandle(handle);
  return result;
}

}  // namespace kdrill::kube
