// Check-in: scan a badge's QR code with the device's camera, a progressive enhancement of the name search.
// The browser's BarcodeDetector reads the code where it has one; elsewhere the vendored jsQR does
// (essaim/static/vendor/jsqr/VERSION), loaded from our own static files only when needed. A code read opens
// the badge's check-in page (the signed link the QR code holds, on this site). Without a camera, without
// permission or without JavaScript, the name search stays, and the search field gets the focus back.
(function () {
  "use strict";

  var CHECK_IN_PATH = /^\/evenements\/pointage\/[^/?#]+\/$/;
  var SCAN_EVERY_MS = 250;
  var SAME_BADGE_PAUSE_MS = 10000; // back from a badge's page, the camera may still see that badge
  var LAST_BADGE = "essaim-checkin-last-badge";

  // The path of the check-in page a badge's QR code points to, or null when the text is no such link.
  function checkInPath(text) {
    var url;
    try {
      url = new URL(String(text), window.location.href);
    } catch (error) {
      return null;
    }
    return CHECK_IN_PATH.test(url.pathname) ? url.pathname : null;
  }

  function justRead(path) {
    try {
      var last = JSON.parse(window.sessionStorage.getItem(LAST_BADGE) || "null");
      return Boolean(last && last.path === path && Date.now() - last.at < SAME_BADGE_PAUSE_MS);
    } catch (error) {
      return false;
    }
  }

  function remember(path) {
    try {
      window.sessionStorage.setItem(LAST_BADGE, JSON.stringify({ path: path, at: Date.now() }));
    } catch (error) {
      // private browsing without storage: the same badge may open twice, nothing worse
    }
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  // jsQR on a canvas copy of an image or a video frame: the texts found (zero or one).
  function jsqrReader() {
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    return function (source) {
      var width = source.videoWidth || source.naturalWidth || source.width;
      var height = source.videoHeight || source.naturalHeight || source.height;
      if (!width || !height) return Promise.resolve([]);
      canvas.width = width;
      canvas.height = height;
      context.fillStyle = "#fff"; // an image's transparent background reads as black otherwise
      context.fillRect(0, 0, width, height);
      context.drawImage(source, 0, 0, width, height);
      var found = window.jsQR(context.getImageData(0, 0, width, height).data, width, height);
      return Promise.resolve(found ? [found.data] : []);
    };
  }

  // A function (image or video) -> Promise of the texts of the QR codes found, or null when none can read.
  function makeReader(jsqrSrc) {
    var native = "BarcodeDetector" in window
      ? window.BarcodeDetector.getSupportedFormats().then(function (formats) {
          if (formats.indexOf("qr_code") < 0) return null;
          var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          return function (source) {
            return detector.detect(source).then(function (codes) {
              return codes.map(function (code) { return code.rawValue; });
            });
          };
        }).catch(function () { return null; })
      : Promise.resolve(null);
    return native.then(function (reader) {
      if (reader) return { read: reader, engine: "BarcodeDetector" };
      if (typeof window.jsQR === "function") return { read: jsqrReader(), engine: "jsQR" };
      if (!jsqrSrc) return null;
      return loadScript(jsqrSrc).then(function () {
        return typeof window.jsQR === "function" ? { read: jsqrReader(), engine: "jsQR" } : null;
      }, function () { return null; });
    });
  }

  function enhance(section) {
    var start = section.querySelector("[data-scan-start]");
    var stop = section.querySelector("[data-scan-stop]");
    var video = section.querySelector("[data-scan-video]");
    var status = section.querySelector("[data-scan-status]");
    var search = document.getElementById(section.dataset.searchField || "id_q");
    var stream = null;
    var timer = null;

    function say(text) { status.textContent = text; }

    function close() {
      clearTimeout(timer);
      timer = null;
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
      video.srcObject = null;
      video.hidden = true;
      stop.hidden = true;
      start.hidden = false;
    }

    function fallBack(text) {
      close();
      say(text + " Cherchez la personne par son nom.");
      if (search) search.focus();
    }

    function scan(reader) {
      reader.read(video).then(function (texts) {
        if (!stream) return;
        for (var i = 0; i < texts.length; i += 1) {
          var path = checkInPath(texts[i]);
          if (path && justRead(path)) {
            say("Ce badge vient d'être lu : présentez le suivant.");
          } else if (path) {
            say("Badge lu : ouverture de sa fiche de pointage…");
            remember(path);
            close();
            window.location.assign(path);
            return;
          } else {
            say("Ce code QR n'est pas un badge de la plateforme.");
          }
        }
        timer = setTimeout(function () { scan(reader); }, SCAN_EVERY_MS);
      }, function () {
        if (stream) timer = setTimeout(function () { scan(reader); }, SCAN_EVERY_MS);
      });
    }

    function open() {
      say("Ouverture de la caméra…");
      makeReader(section.dataset.jsqrSrc).then(function (reader) {
        if (!reader) {
          fallBack("Ce navigateur ne sait pas lire les codes QR.");
          return;
        }
        navigator.mediaDevices
          .getUserMedia({ video: { facingMode: "environment" }, audio: false })
          .then(function (media) {
            stream = media;
            video.srcObject = media;
            video.hidden = false;
            start.hidden = true;
            stop.hidden = false;
            stop.focus();
            return video.play();
          })
          .then(function () {
            section.dataset.engine = reader.engine;
            say("Caméra ouverte : présentez le code QR du badge devant l'appareil.");
            scan(reader);
          })
          .catch(function () {
            fallBack("La caméra n'est pas disponible (refusée ou absente).");
          });
      });
    }

    start.addEventListener("click", open);
    stop.addEventListener("click", function () {
      close();
      say("Caméra fermée.");
      start.focus();
    });
    section.hidden = false;
    if (section.dataset.autostart === "true") open();
  }

  // For the tests and the curious: the same decoding the scanner uses, on an <img>.
  window.essaimCheckIn = {
    checkInPath: checkInPath,
    readImage: function (image, jsqrSrc) {
      return makeReader(jsqrSrc).then(function (reader) {
        return reader ? reader.read(image) : [];
      });
    },
  };

  document.addEventListener("DOMContentLoaded", function () {
    if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) return;
    document.querySelectorAll("[data-checkin-scan]").forEach(enhance);
  });
})();
