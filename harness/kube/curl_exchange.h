#pragma once
// INTERNAL to harness/kube: the state of one CurlTransport exchange, shared by
// the files that configure it (curl_request.cpp), drive it (curl_transport.cpp
// for Send, curl_stream.cpp for Stream) and read its outcome (curl_result.cpp).
// The libcurl callbacks fill `response`; a Stream's 2xx body goes to on_chunk.

#include <stop_token>

#include <curl/curl.h>

#include "harness/kube/curl_transport.h"

namespace kdrill::kube {

struct CurlTransport::Exchange {
  CURL* easy = nullptr;
  std::stop_token stop;
  const BodyChunkHandler* on_chunk = nullptr;
  HttpResponse response;
  bool handler_stopped = false;
  curl_slist* headers = nullptr;
  curl_slist* connect_to = nullptr;
  char errbuf[CURL_ERROR_SIZE] = {0};

  ~Exchange() {
    curl_slist_free_all(headers);
    curl_slist_free_all(connect_to);
  }
};

}  // namespace kdrill::kube
