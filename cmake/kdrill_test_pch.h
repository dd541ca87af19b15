// Precompiled for the unit tests, after cmake/kdrill_pch.h.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
