-- Each request asks for the same article with a random tracking parameter, as a scan (or a
-- campaign link with per-reader ids) would. The page cache must treat them as one page.
math.randomseed(os.time())
request = function()
   return wrk.format("GET", ARTICLE .. "?utm_x=" .. math.random(1, 1000000000) .. "&fbclid=" .. math.random())
end
init = function(args)
   ARTICLE = args[1]
end
