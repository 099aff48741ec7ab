// `krypton admin template set|show`: a product's protocol templates, versioned, until
// the enterprise API (E2/E3) exists. `set` validates with the codec's rules
// (templates-and-frames.md §1.4) and stores a new version, which becomes the product's
// current template; `show` prints a stored version.
#include <simdjson.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/admin_internal.h"
#include "app/commands.h"
#include "app/json_out.h"
#include "catalog/catalog.h"
#include "codec/template.h"
#include "common/clock.h"

namespace krypton::app {

int RunTemplateSet(const CommonOptions& common, const TemplateOptions& options) {
  std::ifstream in(options.file);
  if (!in) return Fail("cannot read template file " + options.file);
  std::stringstream text;
  text << in.rdbuf();
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  // An operator command (owner std::nullopt): PUBLISHED products, whose templates the
  // enterprise API freezes, may still be changed here.
  auto stored = catalog::StoreTemplate(*store, std::nullopt, options.mid, text.str(),
                                       SystemClock::Instance().NowMs());
  if (!stored.ok()) {
    if (stored.status().code() == Code::kEntProductNotExist) {
      return Fail("no product with mid " + options.mid);
    }
    if (stored.status().code() == Code::kUserInternal) return Fail(stored.status().detail());
    return Fail("invalid template: " + stored.status().detail());
  }
  for (const std::string& w : stored->warning_texts) {
    std::fprintf(stderr, "krypton: warning: %s\n", w.c_str());
  }
  if (common.json) {
    std::cout << JsonObject()
                     .Add("mid", options.mid)
                     .Add("version", stored->version)
                     .Add("workModeType", stored->work_mode)
                     .Add("commands", stored->commands)
                     .Add("warnings", stored->warnings)
                     .Finish()
              << "\n";
  } else {
    std::cout << "stored template version " << stored->version << " of product " << options.mid
              << " (" << stored->commands << " commands)\n";
  }
  return 0;
}

int RunTemplateShow(const CommonOptions& common, const TemplateOptions& options) {
  config::Config config;
  auto store = OpenForAdmin(common, &config);
  if (!store) return 1;
  auto t = options.version > 0 ? store->GetTemplate(options.mid, options.version)
                               : store->GetCurrentTemplate(options.mid);
  if (!t.ok()) {
    if (!t.status().not_found()) return Fail(t.status().ToString());
    if (!store->GetProduct(options.mid).ok()) return Fail("no product with mid " + options.mid);
    return Fail(options.version > 0 ? "product " + options.mid + " has no template version " +
                                          std::to_string(options.version)
                                    : "product " + options.mid + " has no template");
  }
  if (common.json) {
    simdjson::dom::parser parser;
    simdjson::dom::element body;
    if (parser.parse(t->body_json).get(body) != simdjson::SUCCESS) {
      return Fail("the stored template is not JSON");
    }
    std::cout << JsonObject()
                     .Add("mid", t->mid)
                     .Add("version", t->version)
                     .Add("createdAt", t->created_at_ms)
                     .AddRaw("template", simdjson::minify(body))
                     .Finish()
              << "\n";
  } else {
    // As stored, so that it can be edited and `set` again.
    std::string_view body = t->body_json;
    while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.remove_suffix(1);
    std::cout << body << "\n";
  }
  return 0;
}

void AddTemplateCommands(CLI::App& admin, Cli& cli) {
  CLI::App* tpl = AddGroup(admin, "template", "Protocol templates of a product (versioned)");
  auto& o = cli.Keep<TemplateOptions>();
  CLI::App* set =
      AddCommand(*tpl, "set", "Validate a template and store it as the new version", cli);
  set->add_option("--product", o.mid, "The product's mid")->required();
  set->add_option("file", o.file, "Template JSON file")->required();
  set->callback([&cli, &o] { cli.code = RunTemplateSet(cli.common, o); });
  CLI::App* show = AddCommand(*tpl, "show", "Print a stored template (default: the current)", cli);
  show->add_option("--product", o.mid, "The product's mid")->required();
  show->add_option("--version", o.version, "Template version (1, 2, …)");
  show->callback([&cli, &o] { cli.code = RunTemplateShow(cli.common, o); });
}

}  // namespace krypton::app
